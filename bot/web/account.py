"""The account page: change one's password, set up or turn off two-factor login."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.review import accounts, twofactor
from bot.web.access import Permission
from bot.web.deps import authorize, form_text, log_access, web
from bot.web.render import page
from bot.web.security import Login, check_csrf, close_other_sessions

_WRONG_CURRENT = {
    "ja": "今のパスワードが違います。",
    "en": "The current password is not correct.",
}
_DIFFERENT = {
    "ja": "新しいパスワードが、確認のために入力したものと一致しません。",
    "en": "The new password and its confirmation differ.",
}
_SAME = {
    "ja": "今と違うパスワードにしてください。",
    "en": "Please choose a password different from the current one.",
}
_BAD_CODE = {
    "ja": "コードが違います。認証アプリに表示されている6桁の数字を入力してください。",
    "en": "That code is not correct. Please type the 6 digits your authenticator app shows.",
}
_STILL_REQUIRED = {
    "ja": "この役割では2段階認証が必須のため、無効にできません。",
    "en": "Two-factor login is required for your role, so it cannot be turned off.",
}


def _context(session: Session, request: Request, login: Login, **extra: Any) -> dict[str, Any]:
    state = web(request)
    staff = login.staff
    enrolling = staff.totp_secret is not None and not staff.totp_enabled
    uri = twofactor.provisioning_uri(staff) if enrolling else None
    context: dict[str, Any] = {
        "login": login,
        "csrf": login.csrf,
        "must_change": staff.must_change_password,
        "totp_required": twofactor.required_for(staff.role, state.require_2fa),
        "totp_enabled": staff.totp_enabled,
        "enrolling": enrolling,
        "qr": twofactor.qr_svg(uri) if uri else None,
        "secret": staff.totp_secret if enrolling else None,
        "codes_left": twofactor.unused_recovery_codes(session, staff),
        "recovery_codes": None,
        "error": None,
        "notice": None,
        "section": "",
    }
    context.update(extra)
    return context


async def account_page(request: Request) -> Response:
    """The account page (the only page open while a password change or 2FA set-up is due)."""
    state = web(request)
    done = request.query_params.get("done", "")

    def load() -> dict[str, Any]:
        with state.sessions() as session:
            login, _ = authorize(session, request, Permission.OWN_ACCOUNT)
            notice = _NOTICES.get(done)
            return _context(session, request, login, notice=notice)

    return page(request, "account.html", await run_in_threadpool(load))


_NOTICES = {
    "password": {"ja": "パスワードを変更しました。", "en": "Your password has been changed."},
    "totp_off": {"ja": "2段階認証を無効にしました。", "en": "Two-factor login is now off."},
}


async def change_password(request: Request) -> Response:
    """Change one's own password: the current one, then the new one twice."""
    state = web(request)
    form = await request.form()

    def run() -> dict[str, Any] | None:
        with state.sessions.begin() as session:
            login, now = authorize(session, request, Permission.OWN_ACCOUNT)
            check_csrf(request, form, login.csrf)
            staff = login.staff
            current = form_text(form, "current")
            new = form_text(form, "new")
            error: dict[str, str] | None = None
            if not accounts.verify_password(staff, current):
                accounts.record_failure(staff, now)
                error = _WRONG_CURRENT
            elif new != form_text(form, "again"):
                error = _DIFFERENT
            elif new == current:
                error = _SAME
            else:
                try:
                    accounts.change_password(staff, new, now)
                except accounts.PasswordRuleError as refused:
                    error = {"ja": refused.reason.ja, "en": refused.reason.en}
            if error is not None:
                return _context(session, request, login, error=error, section="password")
            close_other_sessions(session, request, staff.id)
            log_access(
                session, request, login, now, "change_password", object_type="account",
                object_id=staff.login,
            )  # fmt: skip
            return None

    outcome = await run_in_threadpool(run)
    if outcome is not None:
        return page(request, "account.html", outcome, status_code=400)
    return RedirectResponse("/account?done=password", status_code=303)


async def totp_start(request: Request) -> Response:
    """Begin two-factor set-up: a new secret, shown as a QR code until a code confirms it."""
    state = web(request)
    form = await request.form()

    def run() -> None:
        with state.sessions.begin() as session:
            login, _ = authorize(session, request, Permission.OWN_ACCOUNT)
            check_csrf(request, form, login.csrf)
            if not login.staff.totp_enabled:
                twofactor.start_enrolment(login.staff)

    await run_in_threadpool(run)
    return RedirectResponse("/account#totp", status_code=303)


async def totp_confirm(request: Request) -> Response:
    """Confirm set-up with a code from the app; the recovery codes are shown once."""
    state = web(request)
    form = await request.form()

    def run() -> tuple[dict[str, Any], int]:
        with state.sessions.begin() as session:
            login, now = authorize(session, request, Permission.OWN_ACCOUNT)
            check_csrf(request, form, login.csrf)
            staff = login.staff
            if staff.totp_enabled or staff.totp_secret is None:
                return _context(session, request, login), 200
            if not twofactor.check_code(staff, form_text(form, "code"), now):
                context = _context(session, request, login, error=_BAD_CODE, section="totp")
                return context, 400
            staff.totp_enabled = True
            codes = twofactor.new_recovery_codes(session, staff)
            log_access(
                session, request, login, now, "enable_2fa", object_type="account",
                object_id=staff.login,
            )  # fmt: skip
            return _context(session, request, login, recovery_codes=codes, section="totp"), 200

    context, status = await run_in_threadpool(run)
    return page(request, "account.html", context, status_code=status)


async def totp_disable(request: Request) -> Response:
    """Turn two-factor login off (with the password), unless the role requires it."""
    state = web(request)
    form = await request.form()

    def run() -> dict[str, Any] | None:
        with state.sessions.begin() as session:
            login, now = authorize(session, request, Permission.OWN_ACCOUNT)
            check_csrf(request, form, login.csrf)
            staff = login.staff
            if twofactor.required_for(staff.role, state.require_2fa):
                return _context(session, request, login, error=_STILL_REQUIRED, section="totp")
            if not accounts.verify_password(staff, form_text(form, "password")):
                accounts.record_failure(staff, now)
                return _context(session, request, login, error=_WRONG_CURRENT, section="totp")
            twofactor.disable(session, staff)
            log_access(
                session, request, login, now, "disable_2fa", object_type="account",
                object_id=staff.login,
            )  # fmt: skip
            return None

    outcome = await run_in_threadpool(run)
    if outcome is not None:
        return page(request, "account.html", outcome, status_code=400)
    return RedirectResponse("/account?done=totp_off", status_code=303)
