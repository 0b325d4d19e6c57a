"""The security extensions (CSRF, login sessions, the login rate limit) and the headers every response carries."""
from flask import Response, current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf import CSRFProtect

csrf = CSRFProtect()
login_manager = LoginManager()
limiter = Limiter(key_func=get_remote_address, default_limits=[])

# No inline script or style anywhere: behaviour lives in tracker/static scripts, looks in the stylesheets.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; object-src 'none'; "
    "base-uri 'self'; frame-ancestors 'none'; form-action 'self'"
)
# The visit form takes photos from the camera and the tablet's location; nothing else of the device is used.
PERMISSIONS_POLICY = (
    "camera=(self), geolocation=(self), microphone=(), display-capture=(), payment=(), usb=(), "
    "accelerometer=(), gyroscope=(), magnetometer=()"
)
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": PERMISSIONS_POLICY,
}
HSTS = "max-age=31536000; includeSubDomains"


def security_headers(response: Response) -> Response:
    """Add the security headers to a response (pages, fragments, files, errors); HSTS only when served over HTTPS."""
    response.headers.update(HEADERS)
    if current_app.config.get("SESSION_COOKIE_SECURE"):
        response.headers["Strict-Transport-Security"] = HSTS
    return response
