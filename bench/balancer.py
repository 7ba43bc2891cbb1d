"""A small TCP load balancer in front of the portal's nodes, for the two-node fault run.

Each request goes to the next node in turn; a node that refuses the connection
(stopped) is skipped for the next one, and a GET or HEAD that a node drops before
answering (stopped in the middle) is sent to the next, as nginx's
`proxy_next_upstream error` does. A POST that the node dropped is not sent again (it
may have been stored): the client gets a 502, as from nginx. Every node sees the same Host header, so they share pages and counts
through the cache as nodes behind a real load balancer do.
"""

import contextlib
import socket
import threading

from .clients import NO_NODE_ANSWERED
from .load import free_port


class Balancer:
    def __init__(self, ports: list[int]):
        self.ports = ports
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.served = [0] * len(ports)  # connections each node took
        self._turn = 0
        self._lock = threading.Lock()
        self._listener = socket.create_server(("127.0.0.1", self.port), backlog=256)
        self._running = True
        threading.Thread(target=self._accept, daemon=True).start()

    def stop(self) -> None:
        self._running = False
        self._listener.close()

    def _accept(self) -> None:
        while self._running:
            try:
                client, _address = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve_safely, args=(client,), daemon=True).start()

    def _serve_safely(self, client: socket.socket) -> None:
        try:
            self._serve(client)
        except OSError:
            client.close()

    def _order(self) -> list[int]:
        with self._lock:
            first = self._turn
            self._turn = (self._turn + 1) % len(self.ports)
        return [(first + offset) % len(self.ports) for offset in range(len(self.ports))]

    def _serve(self, client: socket.socket) -> None:
        """One request (the clients send one per connection): to the next node; to the
        one after if the node refuses the connection, or, for a GET or HEAD, if it
        drops the request before answering (nginx: proxy_next_upstream error)."""
        request = _read_request(client)
        idempotent = request.split(b" ", 1)[0] in (b"GET", b"HEAD")
        for index in self._order():
            try:
                backend = socket.create_connection(("127.0.0.1", self.ports[index]), timeout=5)
            except OSError:
                continue
            try:
                backend.settimeout(60)
                backend.sendall(request)
                first = backend.recv(65536)
            except OSError:
                first = b""
            if not first:
                backend.close()
                if idempotent:
                    continue
                _answer_502(client)
                return
            with self._lock:
                self.served[index] += 1
            client.sendall(first)
            _pipe(backend, client)
            return
        client.close()  # no node answered: the client sees the connection closed


def _answer_502(client: socket.socket) -> None:
    body = NO_NODE_ANSWERED.encode()
    head = f"HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/plain\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    with contextlib.suppress(OSError):
        client.sendall(head.encode() + body)
    client.close()


def _read_request(client: socket.socket) -> bytes:
    """The request line, headers and body (by Content-Length) of one HTTP request."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = client.recv(65536)
        if not chunk:
            return data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip() or 0)
    while len(body) < length:
        chunk = client.recv(65536)
        if not chunk:
            break
        body += chunk
    return head + b"\r\n\r\n" + body


def _pipe(source: socket.socket, target: socket.socket) -> None:
    try:
        while chunk := source.recv(65536):
            target.sendall(chunk)
    except OSError:
        pass
    finally:
        for end in (source, target):
            with contextlib.suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)
            end.close()
