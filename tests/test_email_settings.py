"""The mail server comes from the environment: EMAIL_URL, the EMAIL_* variables, or the console."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from clair_portal.settings_email import CONSOLE, SMTP, mailer_from_environment


def test_email_url_with_starttls_and_an_encoded_password():
    mailer = mailer_from_environment(
        {"EMAIL_URL": "smtp+tls://portal%40clair:p%40ss%3Aw@mail.example.org:587"}, debug=False
    )
    assert mailer == {
        "BACKEND": SMTP,
        "OPTIONS": {
            "host": "mail.example.org",
            "port": 587,
            "username": "portal@clair",
            "password": "p@ss:w",
            "use_tls": True,
            "use_ssl": False,
            "timeout": 30,
        },
    }


def test_smtps_url_means_tls_from_the_first_byte():
    options = mailer_from_environment({"EMAIL_URL": "smtps://mail.example.org"}, debug=False)
    assert options["OPTIONS"]["use_ssl"] is True and "port" not in options["OPTIONS"]


def test_the_usual_variables_without_email_url():
    environ = {"EMAIL_HOST": "relay", "EMAIL_PORT": "2525", "EMAIL_USE_TLS": "1"}
    options = mailer_from_environment(environ, debug=False)["OPTIONS"]
    assert (options["host"], options["port"], options["use_tls"]) == ("relay", 2525, True)


def test_debug_without_a_server_prints_mail_on_the_console():
    assert mailer_from_environment({}, debug=True) == {"BACKEND": CONSOLE}


@pytest.mark.parametrize(
    "environ",
    [
        {"EMAIL_URL": "http://mail.example.org"},
        {"EMAIL_URL": "smtp://"},
        {"EMAIL_HOST": "relay", "EMAIL_USE_TLS": "1", "EMAIL_USE_SSL": "1"},
    ],
)
def test_a_wrong_configuration_stops_the_start(environ):
    with pytest.raises(ImproperlyConfigured):
        mailer_from_environment(environ, debug=False)
