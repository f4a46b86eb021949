from core.tests.doorlib import EVERYONE, Door

DOORS = [
    Door("home", allow=EVERYONE),
    Door("healthz", allow=EVERYONE, public=True),
    Door("login", allow=EVERYONE, public=True),
    Door("logout", allow=EVERYONE, public=True, lands_on_login=True),
    Door("password_change", allow=EVERYONE),
]
