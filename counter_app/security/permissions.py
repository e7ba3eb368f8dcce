"""What each role may do is data (resources/reference/roles.json); these are the names code asks for."""

from __future__ import annotations

from enum import StrEnum


class Permission(StrEnum):
    TAKE_PAYMENT = "take_payment"
    REPRINT = "reprint"
    APPROVE_VOID = "approve_void"
    APPROVE_REFUND = "approve_refund"
    APPROVE_PAID_IN = "approve_paid_in"
    APPROVE_PAID_OUT = "approve_paid_out"
    APPROVE_NO_SALE = "approve_no_sale"
    APPROVE_OVER_SHORT = "approve_over_short"
    APPROVE_PRICE_OVERRIDE = "approve_price_override"
    VERIFY_FLOAT = "verify_float"
    EXPORT = "export"
    VIEW_AUDIT = "view_audit"
    MANAGE_DIRECTORY = "manage_directory"
    UPDATE_REFERRALS = "update_referrals"
    EDIT_FEE_SCHEDULE = "edit_fee_schedule"
    MANAGE_STAFF = "manage_staff"
    UNLOCK_STAFF = "unlock_staff"
    EDIT_SETTINGS = "edit_settings"
    RESOLVE_SYNC_CONFLICTS = "resolve_sync_conflicts"
    APPROVE_RESTORE = "approve_restore"
