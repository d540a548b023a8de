"""Permissions shared by the apps' API views."""

from rest_framework import permissions


class IsStaff(permissions.BasePermission):
    """The cooperative's staff only."""

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and user.is_cooperative_staff)
