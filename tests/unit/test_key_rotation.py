"""Personal-data key rotation: through the key file and by hand through the environment."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from server.cli import app
from server.links import StatusLinks
from server.pii import (
    Keyring,
    UnknownKeyError,
    Vault,
    encode_key,
    key_id,
    load_keyring,
    read_previous_keys,
    rotate_key_file,
    settings_keyring,
)
from server.settings import AppSection, PiiSection, Settings, get_settings
from server.store.db import Database
from server.store.models import PiiValue

VALUES = [
    ("c1", "rrn", "900101-1234568"),
    ("c1", "ppt", "M12345678"),
    ("c2", "frn", "900101-5234567"),
    ("c2", "id", "90010-11234568"),
    ("c3", "rrn", "851231-2345678"),
]


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def rows(db: Database) -> dict[str, PiiValue]:
    with db.session() as session:
        return {row.token: row for row in session.query(PiiValue).all()}


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """An installation whose key lives in var/keys/pii.key."""
    return Settings(app=AppSection(var_dir=tmp_path / "var"), pii=PiiSection())


@pytest.fixture
def db(settings: Settings) -> Database:
    database = Database(settings.database_url)
    database.create_schema()
    return database


def vault_of(db: Database, keyring: Keyring) -> Vault:
    return Vault(db, keyring.current, keyring.previous)


def fill(vault: Vault) -> dict[str, str]:
    return {vault.tokenize(c, kind, value): value for c, kind, value in VALUES}


def test_rotation_moves_every_value_to_a_new_key_in_private_files(settings, db):
    key_file, previous_file = settings.pii_key_file, settings.pii_previous_keys_file
    before = vault_of(db, settings_keyring(settings))
    tokens = fill(before)
    old_rows = rows(db)

    old, new = rotate_key_file(key_file, previous_file)

    assert previous_file == key_file.parent / "pii.previous"
    assert mode(key_file) == mode(previous_file) == 0o600
    assert read_previous_keys(previous_file) == [old]
    assert not [p for p in key_file.parent.iterdir() if p.name.endswith(".tmp")]
    keyring = settings_keyring(settings)
    assert keyring == Keyring(new, (old,))
    after = vault_of(db, keyring)
    assert after.key_id == key_id(new) != before.key_id
    assert after.reencrypt(batch_size=2) == len(VALUES)

    for token, row in rows(db).items():
        assert row.key_id == key_id(new)
        assert row.ciphertext[:12] != old_rows[token].ciphertext[:12]  # a new nonce
        assert row.blind_index != old_rows[token].blind_index
    only_new = Vault(db, new)  # no old key needed any more
    assert {token: only_new.reveal(token) for token in tokens} == tokens
    for conversation, kind, value in VALUES:  # blind index recomputed under the new key
        assert only_new.tokenize(conversation, kind, value) in tokens
    assert len(rows(db)) == len(VALUES)


def test_a_rotation_broken_off_half_way_loses_nothing_and_reencrypt_finishes_it(settings, db):
    tokens = fill(vault_of(db, settings_keyring(settings)))
    old, new = rotate_key_file(settings.pii_key_file, settings.pii_previous_keys_file)

    def crash(done: int) -> None:
        raise KeyboardInterrupt  # the process dies after its first batch

    with pytest.raises(KeyboardInterrupt):
        vault_of(db, settings_keyring(settings)).reencrypt(batch_size=2, after_batch=crash)

    restarted = vault_of(db, settings_keyring(settings))
    assert restarted.key_usage() == {key_id(new): 2, key_id(old): 3}
    assert {token: restarted.reveal(token) for token in tokens} == tokens
    # a number typed again keeps its token, under whichever key it is
    for conversation, kind, value in VALUES:
        assert restarted.tokenize(conversation, kind, value) in tokens
    assert len(rows(db)) == len(VALUES)

    assert restarted.reencrypt(batch_size=2) == 3
    assert restarted.key_usage() == {key_id(new): 5}
    assert restarted.reencrypt() == 0  # idempotent
    assert {token: Vault(db, new).reveal(token) for token in tokens} == tokens


def test_a_crash_between_the_two_key_files_keeps_the_old_key(settings, db, monkeypatch):
    tokens = fill(vault_of(db, settings_keyring(settings)))
    key_before = settings.pii_key_file.read_text()
    real_replace, calls = os.replace, []

    def replace(src: str | Path, dst: str | Path) -> None:
        calls.append(dst)
        if len(calls) == 2:
            raise OSError("disk full")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(OSError, match="disk full"):
        rotate_key_file(settings.pii_key_file, settings.pii_previous_keys_file)
    monkeypatch.undo()

    assert settings.pii_key_file.read_text() == key_before
    assert not [p for p in settings.pii_key_file.parent.iterdir() if p.name.endswith(".tmp")]
    keyring = settings_keyring(settings)
    assert keyring.previous == ()  # the old key is current and previous: listed once
    assert {token: vault_of(db, keyring).reveal(token) for token in tokens} == tokens
    old, _ = rotate_key_file(settings.pii_key_file, settings.pii_previous_keys_file)
    assert read_previous_keys(settings.pii_previous_keys_file) == [old]


def test_an_unknown_key_id_is_named_in_the_error_and_the_value_is_not(db):
    first, second = os.urandom(32), os.urandom(32)
    token = Vault(db, first).tokenize("c1", "rrn", "900101-1234568")
    with pytest.raises(UnknownKeyError) as error:
        Vault(db, second).reveal(token)
    assert key_id(first) in str(error.value) and error.value.key_id == key_id(first)
    assert "900101" not in str(error.value) and "1234568" not in str(error.value)
    assert Vault(db, second).unknown_keys() == [key_id(first)]
    with pytest.raises(UnknownKeyError):
        Vault(db, second).reencrypt()
    assert Vault(db, second, [first]).reveal(token) == "900101-1234568"


def test_a_tampered_value_stops_reencrypt_without_showing_a_value(db):
    old, new = os.urandom(32), os.urandom(32)
    token = Vault(db, old).tokenize("c1", "rrn", "900101-1234568")
    with db.session() as session:
        row = session.get(PiiValue, token)
        row.ciphertext = row.ciphertext[:-1] + bytes([row.ciphertext[-1] ^ 1])
    with pytest.raises(ValueError, match=f"{token} does not decrypt with key {key_id(old)}"):
        Vault(db, new, [old]).reencrypt()
    assert rows(db)[token].key_id == key_id(old)  # left as it was


def test_a_running_vault_takes_up_the_keys_rotated_under_it(settings, db):
    loaded = settings_keyring(settings)  # what the app loaded when it started
    running = Vault(db, loaded.current, loaded.previous, reload=lambda: settings_keyring(settings))
    token = running.tokenize("c1", "ppt", "M12345678")
    _, new = rotate_key_file(settings.pii_key_file, settings.pii_previous_keys_file)
    vault_of(db, settings_keyring(settings)).reencrypt()  # the command, another process

    with pytest.raises(UnknownKeyError):
        Vault(db, loaded.current).reveal(token)  # without the key files to reload from
    assert running.reveal(token) == "M12345678"
    assert running.key_id == key_id(new)  # new values go under the new key from now on
    later = running.tokenize("c1", "rrn", "900101-1234568")
    assert rows(db)[later].key_id == key_id(new)


def test_key_files_and_settings_are_checked_without_showing_a_key(settings, tmp_path):
    previous_file = tmp_path / "pii.previous"
    previous_file.write_text("# rotated 2026-11-21\n\n" + encode_key(os.urandom(32)) + "\n")
    assert len(read_previous_keys(previous_file)) == 1
    previous_file.write_text("bm90IGEga2V5\n")  # base64, but not 32 bytes
    with pytest.raises(ValueError, match=r"pii.previous line 1: .* 32 bytes") as error:
        read_previous_keys(previous_file)
    assert "bm90IGEga2V5" not in str(error.value)
    with pytest.raises(ValueError, match="MINWON_PII__PREVIOUS_KEYS item 2"):
        load_keyring("", settings.pii_key_file, [encode_key(os.urandom(32)), "%%%"])


def test_previous_keys_come_from_the_environment_as_a_list(monkeypatch):
    one, two = encode_key(os.urandom(32)), encode_key(os.urandom(32))
    monkeypatch.setenv("MINWON_PII__PREVIOUS_KEYS", f"{one}, {two}")
    assert Settings().pii.previous_keys == [one, two]
    monkeypatch.setenv("MINWON_PII__PREVIOUS_KEYS", f'["{two}"]')
    assert Settings().pii.previous_keys == [two]
    monkeypatch.delenv("MINWON_PII__PREVIOUS_KEYS")
    assert Settings().pii.previous_keys == []


def test_status_links_given_before_a_rotation_still_open(settings):
    old, new = os.urandom(32), os.urandom(32)
    given = StatusLinks(old, "http://x").token("MW-20261121-ABC234")
    after = StatusLinks(new, "http://x", [old])
    assert after.verify("MW-20261121-ABC234", given)
    assert after.token("MW-20261121-ABC234") != given
    assert not StatusLinks(new, "http://x").verify("MW-20261121-ABC234", given)


# --- the commands --------------------------------------------------------------------------


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    """The CLI's settings come from the environment: a var dir of its own."""
    for name in list(os.environ):
        if name.startswith("MINWON_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("MINWON_APP__VAR_DIR", str(tmp_path / "cli-var"))
    get_settings.cache_clear()
    yield get_settings()
    get_settings.cache_clear()


def cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


def test_rotate_key_command_with_the_key_file(cli_env):
    settings = cli_env
    db = Database(settings.database_url)
    db.create_schema()
    tokens = fill(vault_of(db, settings_keyring(settings)))
    old_id = key_id(load_keyring("", settings.pii_key_file).current)

    code, output = cli("pii", "rotate-key", "--batch-size", "2")
    assert code == 0, output
    new = load_keyring("", settings.pii_key_file).current
    assert f"new key {key_id(new)}" in output and f"old key {old_id} kept in" in output
    assert f"re-encrypted 5 values; 5 values under the current key {key_id(new)}" in output
    assert "no value needs an old key any more" in output and old_id in output
    assert mode(settings.pii_key_file) == mode(settings.pii_previous_keys_file) == 0o600
    assert {token: Vault(db, new).reveal(token) for token in tokens} == tokens

    code, output = cli("pii", "reencrypt")
    assert code == 0 and "re-encrypted 0 values" in output
    assert "no value needs an old key any more" in output

    code, output = cli("pii", "rotate-key")  # again: two previous keys now
    assert code == 0, output
    assert len(read_previous_keys(settings.pii_previous_keys_file)) == 2


def test_rotate_key_refuses_keys_from_the_environment_and_reencrypt_does_it_by_hand(
    cli_env, monkeypatch
):
    old, new = os.urandom(32), os.urandom(32)
    db = Database(cli_env.database_url)
    db.create_schema()
    tokens = fill(Vault(db, old))

    monkeypatch.setenv("MINWON_PII__KEY", encode_key(old))
    get_settings.cache_clear()
    code, output = cli("pii", "rotate-key")
    assert code == 1
    assert "MINWON_PII__KEY" in output and "MINWON_PII__PREVIOUS_KEYS" in output
    assert "minwon pii reencrypt" in output
    assert not cli_env.pii_key_file.exists() and not cli_env.pii_previous_keys_file.exists()
    assert Vault(db, old).key_usage() == {key_id(old): 5}

    monkeypatch.setenv("MINWON_PII__KEY", encode_key(new))  # the new key, without the old one
    get_settings.cache_clear()
    code, output = cli("pii", "reencrypt")
    assert code == 1 and key_id(old) in output and "nothing was changed" in output

    monkeypatch.setenv("MINWON_PII__PREVIOUS_KEYS", encode_key(old))
    get_settings.cache_clear()
    code, output = cli("pii", "reencrypt", "--batch-size", "3")
    assert code == 0, output
    assert f"re-encrypted 5 values; 5 values under the current key {key_id(new)}" in output
    assert f"previous keys ({key_id(old)}) can be removed" in output
    assert {token: Vault(db, new).reveal(token) for token in tokens} == tokens
    code, output = cli("pii", "reencrypt")
    assert code == 0 and "re-encrypted 0 values" in output


def test_rotate_key_changes_nothing_when_a_value_needs_an_unknown_key(cli_env):
    db = Database(cli_env.database_url)
    db.create_schema()
    stranger = os.urandom(32)
    Vault(db, stranger).tokenize("c1", "rrn", "900101-1234568")
    settings_keyring(cli_env)  # the installation's own key file
    key_before = cli_env.pii_key_file.read_text()

    code, output = cli("pii", "rotate-key")
    assert code == 1 and key_id(stranger) in output and "900101" not in output
    assert cli_env.pii_key_file.read_text() == key_before
    assert not cli_env.pii_previous_keys_file.exists()


def test_rotate_key_without_a_key_file_says_so(cli_env):
    code, output = cli("pii", "rotate-key")
    assert code == 1 and "no key file" in output
