"""Sign-in: local passwords (argon2) into a signed cookie session; OIDC through Authlib."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from clearpost.web.api.schemas import LoginIn
from clearpost.web.deps import RuntimeDep
from clearpost.web.problems import Problem
from clearpost.web.security import CSRF_HEADER, SESSION_COOKIE, sign_in_keys
from clearpost.workflows.context import SYSTEM
from clearpost.workflows.users import service as users

router = APIRouter(prefix="/auth", tags=["auth"])


def _set_cookie(request: Request, response: Response, cookie: str) -> None:
    settings = request.app.state.runtime.settings
    response.set_cookie(SESSION_COOKIE, cookie, max_age=settings.session_max_age_s,
                        httponly=True, secure=settings.cookie_secure, samesite="lax", path="/")


@router.post("/login", summary="Sign in with e-mail and password; returns the CSRF token")
def login(body: LoginIn, request: Request, rt: RuntimeDep) -> JSONResponse:
    throttle = request.app.state.sign_in_throttle
    keys = sign_in_keys(body.email, request.client.host if request.client else None)
    wait = throttle.retry_after(*keys)
    if wait is not None:
        raise Problem(429, "Too many failed sign-ins",
                      f"sign-in is locked for this account or address; try again in {wait} s")
    with rt.factory() as session:
        user = users.authenticate(session, body.email, body.password)
    if user is None:
        throttle.failed(*keys)
        raise Problem(401, "Sign-in failed", "unknown e-mail or wrong password")
    throttle.succeeded(*keys)
    cookie, csrf = request.app.state.sessions.issue(user.id)
    response = JSONResponse({"user": users.public(user), "csrf_token": csrf,
                             "csrf_header": CSRF_HEADER})
    _set_cookie(request, response, cookie)
    return response


@router.post("/logout", summary="Sign out (drops the session cookie)")
def logout() -> Response:
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/oidc/login", summary="Start single sign-on at the organization's identity provider")
async def oidc_login(request: Request) -> Any:
    client = request.app.state.oidc
    if client is None:
        raise Problem(404, "Not configured", "single sign-on is not configured")
    redirect_uri = str(request.url_for("oidc_callback"))
    return await client.authorize_redirect(request, redirect_uri)


@router.get("/oidc/callback", name="oidc_callback", summary="Where the identity provider returns")
async def oidc_callback(request: Request) -> Any:
    import httpx
    from authlib.integrations.base_client.errors import OAuthError
    from joserfc.errors import JoseError

    client = request.app.state.oidc
    if client is None:
        raise Problem(404, "Not configured", "single sign-on is not configured")
    try:
        # Checks the state against the one stored at login, and the ID token's nonce.
        token = await client.authorize_access_token(request)
    except OAuthError as exc:
        raise Problem(400, "Sign-in failed", f"single sign-on failed: {exc.error}") from None
    except JoseError as exc:  # a bad signature, issuer, audience, expiry or nonce
        raise Problem(400, "Sign-in failed",
                      f"the identity provider's token did not validate: {exc.error}") from None
    except httpx.HTTPError:
        raise Problem(502, "Identity provider unreachable",
                      "the identity provider did not answer") from None
    claims = token.get("userinfo") or {}
    if not claims.get("sub"):
        raise Problem(400, "Sign-in failed", "the identity provider sent no subject")
    rt = request.app.state.runtime
    defaults = [r for r in rt.settings.oidc_default_roles.split(",") if r.strip()]
    with rt.ctx(SYSTEM) as ctx:
        user = users.oidc_user(ctx, subject=str(claims["sub"]), email=claims.get("email"),
                               name=claims.get("name"), default_roles=defaults)
        if not user.active:
            raise Problem(403, "Sign-in refused", "this account is deactivated")
        user_id = user.id
    cookie, _csrf = request.app.state.sessions.issue(user_id)
    response = RedirectResponse("/", status_code=303)
    _set_cookie(request, response, cookie)
    return response
