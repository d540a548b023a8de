"""Forms of the staff's catalogue pages. They only collect input: every rule and the audit
are the services' (`services.py`), whose messages the forms show.

Every form takes the same keywords (`user`, `product`, `target`: the capacity option or
rule a row acts on) and has `run()`, which calls its service, and `message()`.
"""

import copy

from django import forms
from django.utils.translation import gettext_lazy as _

from . import services
from .models import CapacityOption, Product, ProductRule

TEXTAREA = forms.Textarea(attrs={"rows": 3})


class ServiceForm:
    title = ""
    submit_label = _("Save")
    done = _("Saved.")
    danger = False

    def message(self) -> str:
        return str(self.done)


class ProductForm(ServiceForm, forms.ModelForm):
    title = _("Product")
    done = _("The product is saved.")

    class Meta:
        model = Product
        fields = services.PRODUCT_EDITABLE
        widgets = {
            name: TEXTAREA
            for name in (
                "description_nl",
                "description_en",
                "includes_nl",
                "includes_en",
            )
        }

    def __init__(self, data=None, *, user, product=None, target=None, **kwargs):
        # A copy: a refused edit must not show in the rest of the page.
        super().__init__(data, instance=copy.copy(product), **kwargs)
        self.user = user

    def run(self) -> Product:
        values = {name: self.cleaned_data[name] for name in services.PRODUCT_EDITABLE}
        return services.product_update(product=self.instance, by=self.user, **values)


class ProductCreateForm(ProductForm):
    title = _("New product")
    submit_label = _("Add product")
    done = _("The product is added. Add its capacity options and rules below.")

    class Meta(ProductForm.Meta):
        fields = ("code", *services.PRODUCT_EDITABLE)
        help_texts = {"code": _("Fixed once added: orders and the API name products by it.")}

    def run(self) -> Product:
        return services.product_create(by=self.user, **self.cleaned_data)


class CapacityForm(ServiceForm, forms.ModelForm):
    """Change one capacity option (`target`), or add one (no `target`)."""

    class Meta:
        model = CapacityOption
        fields = services.CAPACITY_FIELDS

    def __init__(self, data=None, *, user, product, target=None, **kwargs):
        super().__init__(data, instance=copy.copy(target), **kwargs)
        self.user, self.product, self.capacity = user, product, target
        if target is None:
            self.title = _("Add a capacity option")
            self.submit_label = _("Add")
            self.done = _("The capacity option is added.")
        else:
            self.done = _("The capacity option is saved.")
            for field in self.fields.values():  # the row's inputs sit in table cells
                field.widget.attrs.update(form=self.prefix, **{"aria-label": field.label})

    def run(self) -> CapacityOption:
        return services.capacity_save(
            product=self.product,
            capacity=self.capacity,
            by=self.user,
            **{name: self.cleaned_data[name] for name in services.CAPACITY_FIELDS},
        )


class CapacityDeleteForm(ServiceForm, forms.Form):
    submit_label = _("Delete")
    done = _("The capacity option is deleted.")
    danger = True

    def __init__(self, data=None, *, user, product, target, **kwargs):
        super().__init__(data, **kwargs)
        self.user, self.capacity = user, target

    def run(self) -> None:
        services.capacity_delete(capacity=self.capacity, by=self.user)


class RuleForm(ServiceForm, forms.Form):
    title = _("Add a rule")
    submit_label = _("Add rule")
    done = _("The rule is added.")
    required = forms.ModelChoiceField(
        label=_("Taking this product at a location requires"), queryset=Product.objects.none()
    )

    def __init__(self, data=None, *, user, product, target=None, **kwargs):
        super().__init__(data, **kwargs)
        self.user, self.product = user, product
        self.fields["required"].queryset = Product.objects.exclude(pk=product.pk)

    def run(self) -> ProductRule:
        return services.rule_add(
            product=self.product, required=self.cleaned_data["required"], by=self.user
        )


class RuleRemoveForm(ServiceForm, forms.Form):
    submit_label = _("Remove")
    done = _("The rule is removed.")
    danger = True

    def __init__(self, data=None, *, user, product, target, **kwargs):
        super().__init__(data, **kwargs)
        self.user, self.rule = user, target

    def run(self) -> None:
        services.rule_remove(rule=self.rule, by=self.user)


# What the product page can post, by the name in its `action` field, and what a
# row's `target` is (none: the form acts on the product itself).
EDIT_ACTIONS = {
    "product": (ProductForm, None),
    "capacity_add": (CapacityForm, None),
    "capacity": (CapacityForm, "capacities"),
    "capacity_delete": (CapacityDeleteForm, "capacities"),
    "rule_add": (RuleForm, None),
    "rule_remove": (RuleRemoveForm, "rules"),
}
