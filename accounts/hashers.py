"""The password hasher: Argon2id with the parameters OWASP recommends for servers.

Django's Argon2 defaults (100 MiB, 2 passes, 8 lanes) cost about 400 ms of CPU per
login on our two-core servers; during the December rush, when a commune's officers all
log in within a few seconds, the logins queue behind each other and every other page
waits with them (docs/benchmarks.md, the load run). OWASP's Password Storage Cheat
Sheet gives equivalent Argon2id settings; we use m = 19 MiB, t = 2, p = 1 (about 20 ms
and 19 MiB per check). The algorithm name stays "argon2": hashes made with other
parameters still verify, and Django rewrites them with these at the next login
(`must_update`).
"""

from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher


class OwaspArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 19456  # KiB
    parallelism = 1
