"""Settings: defaults, the TOML file, FEDCITY_<SECTION>_<KEY> overrides, and every
way an operator can get the file wrong (each a ConfigError naming the problem)."""

from __future__ import annotations

from pathlib import Path

import pytest

from fedcity.config import DEFAULT_DATABASE_URL, Settings, load_settings
from fedcity.errors import ConfigError


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "fedcity.toml"
    path.write_text(text)
    return path


def config_error(path: Path | None, env: dict[str, str] | None = None) -> str:
    with pytest.raises(ConfigError) as caught:
        load_settings(path, env or {})
    return str(caught.value)


# --- defaults and parsing -----------------------------------------------------


def test_no_file_gives_the_development_defaults():
    # Given no configuration file and no FEDCITY_* variables
    # When settings are loaded
    settings = load_settings(None, {})
    # Then every key has its documented default: a local SQLite development instance
    assert settings == Settings()
    assert settings.instance.base_url == "http://localhost:8080"
    assert settings.database.url == DEFAULT_DATABASE_URL
    assert settings.federation.allow_private_addresses is False
    assert settings.federation.max_delivery_attempts == 16
    assert settings.federation.key_refetch_minutes == 5.0


def test_toml_values_are_read_into_their_sections(tmp_path):
    # Given a file setting keys in several sections
    path = write(
        tmp_path,
        """
[instance]
domain = "springfield.example"
scheme = "https"
kind = "league"

[server]
port = 9000

[database]
url = "postgresql+asyncpg://fedcity@db:5432/fedcity"

[federation]
retry_backoff_scale = 2
allow_private_addresses = true
""",
    )
    # When it is loaded
    settings = load_settings(path, {})
    # Then the values land where they belong, with their declared types
    assert settings.instance.base_url == "https://springfield.example"
    assert settings.instance.kind == "league"
    assert settings.server.port == 9000
    assert settings.database.url == "postgresql+asyncpg://fedcity@db:5432/fedcity"
    assert settings.federation.retry_backoff_scale == 2.0
    assert isinstance(settings.federation.retry_backoff_scale, float)
    assert settings.federation.allow_private_addresses is True


def test_keys_left_out_keep_their_defaults(tmp_path):
    # Given a file that sets only the instance name
    path = write(tmp_path, '[instance]\nname = "Shelbyville"\n')
    # When it is loaded
    settings = load_settings(path, {})
    # Then the other keys of that section, and other sections, are defaults
    assert settings.instance.name == "Shelbyville"
    assert settings.instance.domain == "localhost:8080"
    assert settings.server == Settings().server


# --- environment overrides ----------------------------------------------------


def test_environment_overrides_the_file(tmp_path):
    # Given a file and FEDCITY_<SECTION>_<KEY> variables for some of its keys
    path = write(tmp_path, '[instance]\ndomain = "file.example"\n[server]\nport = 1\n')
    env = {
        "FEDCITY_INSTANCE_DOMAIN": "env.example",
        "FEDCITY_SERVER_PORT": "8443",
        "FEDCITY_FEDERATION_ALLOW_PRIVATE_ADDRESSES": "yes",
        "FEDCITY_FEDERATION_FETCH_TIMEOUT_SECONDS": "2.5",
    }
    # When settings are loaded
    settings = load_settings(path, env)
    # Then the environment wins, parsed to each key's type
    assert settings.instance.domain == "env.example"
    assert settings.server.port == 8443
    assert settings.federation.allow_private_addresses is True
    assert settings.federation.fetch_timeout_seconds == 2.5


def test_environment_overrides_apply_without_a_file():
    # Given only an environment variable
    env = {"FEDCITY_DATABASE_URL": "sqlite+aiosqlite:///tmp/x.db"}
    # When settings are loaded without a file
    settings = load_settings(None, env)
    # Then the override is applied on top of the defaults
    assert settings.database.url == "sqlite+aiosqlite:///tmp/x.db"


@pytest.mark.parametrize(
    ("var", "value", "message"),
    [
        ("FEDCITY_SERVER_PORT", "eighty", "FEDCITY_SERVER_PORT must be an integer"),
        ("FEDCITY_DATABASE_ECHO", "maybe", "FEDCITY_DATABASE_ECHO must be true or"),
        ("FEDCITY_WORKER_POLL_INTERVAL_SECONDS", "soon", "must be a number"),
    ],
)
def test_unparseable_environment_value_names_the_variable(var, value, message):
    # Given an environment variable whose value is not of the key's type
    # When settings are loaded
    error = config_error(None, {var: value})
    # Then the error names the variable and the expected type
    assert message in error
    assert repr(value) in error


# --- mistakes in the file -----------------------------------------------------


def test_missing_file_is_reported(tmp_path):
    # Given a path with no file
    # When it is loaded
    error = config_error(tmp_path / "nope.toml")
    # Then the error says the file was not found
    assert error.startswith("configuration file not found:")
    assert "nope.toml" in error


def test_invalid_toml_is_reported_with_the_parser_position(tmp_path):
    # Given a file that is not TOML
    path = write(tmp_path, "[instance\ndomain = \n")
    # When it is loaded
    error = config_error(path)
    # Then the error says so and where
    assert "is not valid TOML" in error
    assert "line" in error


def test_unknown_section_is_refused(tmp_path):
    # Given a misspelt section name
    path = write(tmp_path, "[databse]\nurl = 'x'\n")
    # When it is loaded
    error = config_error(path)
    # Then the error names the section
    assert error == "unknown configuration section [databse]"


def test_unknown_key_is_refused(tmp_path):
    # Given a misspelt key in a known section
    path = write(tmp_path, "[server]\nprot = 8080\n")
    # When it is loaded
    error = config_error(path)
    # Then the error names the key and its section
    assert error == "unknown key 'prot' in [server]"


def test_section_that_is_not_a_table_is_refused(tmp_path):
    # Given a section name used as a plain key
    path = write(tmp_path, 'server = "127.0.0.1"\n')
    # When it is loaded
    error = config_error(path)
    # Then the error says it must be a table
    assert error == "[server] must be a table"


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('[server]\nport = "eighty"\n', "[server] port must be an integer"),
        ("[server]\nport = true\n", "[server] port must be an integer"),
        ("[server]\nport = 80.5\n", "[server] port must be an integer"),
        ('[database]\necho = "no"\n', "[database] echo must be true or false"),
        (
            "[federation]\nfetch_timeout_seconds = true\n",
            "[federation] fetch_timeout_seconds must be a number",
        ),
        ("[instance]\nname = 42\n", "[instance] name must be a string"),
        ("[instance]\ndomain = ['a', 'b']\n", "[instance] domain must be a string"),
    ],
)
def test_wrong_type_is_refused_not_coerced(tmp_path, toml, message):
    # Given a key whose TOML value has the wrong type
    path = write(tmp_path, toml)
    # When it is loaded
    error = config_error(path)
    # Then it is refused (never silently turned into 1, 80 or "42")
    assert error.startswith(message)


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('[instance]\nscheme = "ftp"\n', '[instance] scheme must be "https" or "http"'),
        ('[instance]\nkind = "town"\n', '[instance] kind must be "city" or "league"'),
        ('[instance]\ndomain = "https://city.example"\n', "[instance] domain must be"),
        ('[instance]\ndomain = ""\n', "[instance] domain must be a host name"),
        ('[instance]\ndomain = "my city"\n', "[instance] domain must be a host name"),
        ('[database]\nurl = "mysql://root@db/x"\n', "[database] url must start with"),
        ('[database]\nurl = "postgresql://u@h/db"\n', "[database] url must start with"),
        ("[server]\nport = 0\n", "[server] port must be between 1 and 65535"),
        ("[server]\nport = 70000\n", "[server] port must be between 1 and 65535"),
        ('[push]\nsubject = "ops@city.example"\n', "[push] subject must be"),
        ("[push]\nmax_attempts = 0\n", "[push] max_attempts must be positive"),
        (
            "[federation]\nkey_refetch_minutes = -1\n",
            "[federation] key_refetch_minutes must not be negative",
        ),
        ('[library]\nlicense = "CC BY 4.0"\n', "[library] license must be an IRI"),
    ],
)
def test_invalid_value_is_refused(tmp_path, toml, message):
    # Given a value of the right type but outside what fedcity accepts
    path = write(tmp_path, toml)
    # When it is loaded
    error = config_error(path)
    # Then the error says what is allowed
    assert error.startswith(message)


def test_invalid_value_from_the_environment_is_refused_too():
    # Given a valid file-less start but a bad scheme in the environment
    # When settings are loaded
    error = config_error(None, {"FEDCITY_INSTANCE_SCHEME": "gopher"})
    # Then validation runs after the overrides
    assert error == '[instance] scheme must be "https" or "http"'


def test_settings_are_frozen():
    # Given loaded settings
    settings = load_settings(None, {})
    # When code tries to change one at run time
    # Then it cannot: settings are validated once and never mutated
    with pytest.raises(AttributeError):
        settings.server.port = 1  # type: ignore[misc]


def test_database_time_bounds_have_defaults_and_are_checked(tmp_path):
    # Given no [database] bounds, then a negative one, then no statement bound
    defaults = load_settings(None, environ={}).database
    negative = {"FEDCITY_DATABASE_POOL_TIMEOUT_SECONDS": "-1"}
    unbounded = {"FEDCITY_DATABASE_STATEMENT_TIMEOUT_SECONDS": "0"}
    # Then the defaults bound every wait, a negative bound is refused, and 0
    # means no statement timeout
    assert (
        defaults.connect_timeout_seconds,
        defaults.pool_timeout_seconds,
        defaults.statement_timeout_seconds,
    ) == (5.0, 5.0, 30.0)
    with pytest.raises(ConfigError, match="pool_timeout_seconds must be positive"):
        load_settings(None, environ=negative)
    assert (
        load_settings(None, environ=unbounded).database.statement_timeout_seconds == 0
    )
