"""A real SMTP server on loopback for the tests of mail (aiosmtpd): what arrives is
what a mail program would get, headers and MIME parts included."""

import email
import email.policy
import logging
import socket
from email.message import EmailMessage

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox:
    """The messages the server accepted; refuse_from makes it answer 451 from the
    n-th message on (counting from 1), as a mail server in trouble does."""

    def __init__(self):
        self.messages: list[EmailMessage] = []
        self.raw: list[bytes] = []  # as they arrived (re-serialising a message refolds it)
        self.received = 0
        self.refuse_from: int | None = None

    async def handle_DATA(self, server, session, envelope):
        self.received += 1
        if self.refuse_from is not None and self.received >= self.refuse_from:
            return "451 4.3.0 Try again later"
        self.raw.append(envelope.content)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 Message accepted for delivery"

    def clear(self):
        self.messages.clear()
        self.raw.clear()
        self.received = 0


def start(inbox: Inbox) -> Controller:
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs each SMTP line
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    return controller
