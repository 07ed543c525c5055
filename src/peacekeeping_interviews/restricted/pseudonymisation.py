"""The pseudonymisation key: where it comes from, and how the leak scans look for it."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from pathlib import Path

from peacekeeping_interviews.masking import KEY
from peacekeeping_interviews.problems import InputError, Problem
from peacekeeping_interviews.restricted.restricted_strings import Restricted

# Public on purpose: it only ever pseudonymises the synthetic example (see README, "Pseudonyms").
DEMO_KEY = b"peacekeeping-interviews synthetic demo key (public, not secret)"
# A shorter key is no distinctive string: the scans would find it in ordinary text by chance.
_SHORTEST_KEY_SCANNED = 8
_FINGERPRINT_MESSAGE = b"peacekeeping-interviews: the key behind a restricted-string index"


def pseudonym_key(
    settings: Mapping, synthetic: bool, environ: Mapping[str, str]
) -> tuple[bytes, str]:
    """The HMAC key and where it came from: environment variable, key file, or (synthetic data
    only) the public demo key. Real data without a key stop the run."""
    from_env = environ.get(settings["key_env_var"], "")
    if from_env:
        return from_env.encode("utf-8"), f"environment variable {settings['key_env_var']}"
    key_file = Path(settings["key_file"])
    if key_file.is_file() and key_file.read_bytes().strip():
        return key_file.read_bytes().strip(), "key file (anonymisation.key_file)"
    if synthetic:
        return DEMO_KEY, "public demo key (synthetic data only)"
    raise InputError(
        [
            Problem(
                str(key_file),
                None,
                None,
                "no key",
                f"a secret key in ${settings['key_env_var']} or in {key_file};"
                " the demo key is only "
                "allowed for synthetic data",
            )
        ]
    )


def key_as_restricted(
    settings: Mapping, synthetic: bool, environ: Mapping[str, str]
) -> tuple[Restricted, ...]:
    """The key as the scans look for it: nothing for the public demo key, or a key too short to
    be told from ordinary text; with where it is kept, never its value, as its source."""
    return restricted_key(pseudonym_key(settings, synthetic, environ)[0], settings)


def restricted_key(key: bytes, settings: Mapping) -> tuple[Restricted, ...]:
    """The key as the scans look for it (see :func:`key_as_restricted`)."""
    secret = key.decode("utf-8", errors="replace")
    if key == DEMO_KEY or len(secret) < _SHORTEST_KEY_SCANNED:
        return ()
    source = (
        f"the key in ${settings['key_env_var']} or {settings['key_file']} "
        "(anonymisation.key_env_var, anonymisation.key_file)"
    )
    return (Restricted(secret, KEY, source),)


def key_fingerprint(key: bytes) -> str:
    """An HMAC of a fixed message under the key: the same key gives the same fingerprint, and the
    fingerprint gives nothing of the key away (what the restricted-string index and Snakemake's
    params may hold, never the key)."""
    return hmac.new(key, _FINGERPRINT_MESSAGE, hashlib.sha256).hexdigest()


def available_key_fingerprint(
    settings: Mapping, synthetic: bool, environ: Mapping[str, str]
) -> str:
    """The fingerprint of the key the anonymisation stage would use, or empty when there is none
    (the stage then stops with its own message)."""
    try:
        return key_fingerprint(pseudonym_key(settings, synthetic, environ)[0])
    except InputError:
        return ""
