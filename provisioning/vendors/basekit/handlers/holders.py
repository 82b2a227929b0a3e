"""BaseKit account holders' own sign-in: forgotten password (by username or e-mail, with the panel's own reset
link), reset with the mailed hash, e-mail verification sent and its token validated; read back."""

from __future__ import annotations

from provisioning.adapters.base import Outcome
from provisioning.kinds import account as ka
from provisioning.kinds import holder as kh
from provisioning.targets import Facts
from provisioning.vendors.basekit.handlers.base import BasekitHandler


def _ref(ctx) -> int:
    return int(ctx.target().vendor_id)


class ForgottenPasswordHandler(BasekitHandler):
    payload = kh.HolderForgottenPassword

    def start(self, ctx, p: kh.HolderForgottenPassword) -> Outcome:
        body = {"loginLink": p.login_link}
        if p.username:
            body["username"] = p.username
        if p.email:
            body["email"] = p.email
        ctx.client.send("POST", "/users/forgotten-password", body)
        return Outcome.finished("BaseKit mailed the account holder a link to reset the password.")


class ResetPasswordHandler(BasekitHandler):
    payload = kh.HolderResetPassword

    def start(self, ctx, p: kh.HolderResetPassword) -> Outcome:
        ctx.client.send("POST", "/users/reset-password", {"hash": ctx.secrets["hash"],
                                                          "password": ctx.secrets["password"]})
        return Outcome.finished("The account holder's password is reset at BaseKit.")


class SendVerificationHandler(BasekitHandler):
    payload = kh.HolderSendVerification

    def start(self, ctx, p: kh.HolderSendVerification) -> Outcome:
        ctx.client.send("POST", f"/users/{_ref(ctx)}/send-verification-email", {"verificationUrl": p.verification_url})
        return Outcome.finished("BaseKit mailed the account holder a link to verify the e-mail address.")


class ValidateEmailHandler(BasekitHandler):
    payload = kh.HolderValidateEmail

    def start(self, ctx, p: kh.HolderValidateEmail) -> Outcome:
        ctx.client.send("POST", f"/users/{_ref(ctx)}/validate-email-verification-token",
                        {"token": ctx.secrets["token"]})
        return Outcome.finished("The account holder's e-mail address is verified at BaseKit.",
                                Facts(attrs={"details": {**ctx.target().attrs.get("details", {}),
                                                         "email_verified": True}}))


def holder_read(ctx, ref) -> Outcome:
    data = ctx.client.get(f"/users/{int(ref.vendor_id)}").get("accountHolder") or {}
    details = {**ref.attrs.get("details", {}), "email_verified": bool(data.get("emailVerified")),
               "username": data.get("username") or ""}
    return Outcome.finished("Read back from BaseKit.", Facts(ref.vendor_id, "active", {
        "email": str(data.get("email") or "")[:254], "details": details}))


class HolderSyncHandler(BasekitHandler):
    payload = ka.VendorCustomerSync

    def start(self, ctx, p: ka.VendorCustomerSync) -> Outcome:
        return holder_read(ctx, ctx.target())


HANDLERS = (ForgottenPasswordHandler, ResetPasswordHandler, SendVerificationHandler, ValidateEmailHandler,
            HolderSyncHandler)
