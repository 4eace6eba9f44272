"""A minimal client of Streamlit's websocket protocol, the one the browser speaks: open
/_stcore/stream, send a BackMsg asking to run the page (rerun_script with a ClientState naming the
page, its query string and the reader's locale), read ForwardMsgs until the run ends.

Used by the proxy tests (does a websocket open from this Origin?) and bench/bench_proxy.py (many
concurrent sessions, each really running the page script on a replica).
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import aiohttp

# Imported from the proto modules only: importing the streamlit package would start its runtime.
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

SUBPROTOCOL = "streamlit"


@dataclass
class PageRun:
    """What one page run sent back."""
    seconds: float = 0.0
    finished: str = ""               # the ScriptFinishedStatus name of the last script_finished
    messages: int = 0
    largest_message: int = 0          # bytes of the largest ForwardMsg (what server.maxMessageSize caps)
    bytes_received: int = 0
    exceptions: list[str] = field(default_factory=list)  # exception elements the page drew
    charts: int = 0                   # plotly charts the page drew

    @property
    def ok(self) -> bool:
        return self.finished == "FINISHED_SUCCESSFULLY" and not self.exceptions


def websocket_url(base_url: str) -> str:
    parts = urlsplit(base_url)
    scheme = "wss" if parts.scheme == "https" else "ws"
    return f"{scheme}://{parts.netloc}/_stcore/stream"


def rerun_message(url_path: str, query_string: str, base_url: str, locale: str = "en-GB") -> bytes:
    """The BackMsg the browser sends to run a page: url_path is the page's path ("" for the
    default page), query_string without its "?"."""
    msg = BackMsg()
    state = msg.rerun_script
    state.query_string = query_string
    state.page_name = url_path
    state.page_script_hash = ""
    state.context_info.locale = locale
    state.context_info.timezone = "UTC"
    state.context_info.url = f"{base_url.rstrip('/')}/{url_path}" + (f"?{query_string}" if query_string else "")
    return msg.SerializeToString()


def _walk_elements(forward: ForwardMsg, run: PageRun) -> None:
    if not forward.HasField("delta") or not forward.delta.HasField("new_element"):
        return
    element = forward.delta.new_element
    kind = element.WhichOneof("type")
    if kind == "exception":
        run.exceptions.append(f"{element.exception.type}: {element.exception.message}")
    elif kind == "plotly_chart":
        run.charts += 1


async def run_page(session: aiohttp.ClientSession, base_url: str, url_path: str = "", query_string: str = "",
                   origin: str | None = None, timeout: float = 120.0, locale: str = "en-GB",
                   headers: dict[str, str] | None = None) -> PageRun:
    """Open a session on base_url, run one page to its end and close. Raises on a refused
    websocket (aiohttp.WSServerHandshakeError) or a timeout."""
    run = PageRun()
    send_headers = dict(headers or {})
    if origin is not None:
        send_headers["Origin"] = origin
    started = time.perf_counter()
    async with session.ws_connect(websocket_url(base_url), protocols=(SUBPROTOCOL,), headers=send_headers,
                                  max_msg_size=0, timeout=aiohttp.ClientWSTimeout(ws_close=10),
                                  autoping=True) as ws:
        await ws.send_bytes(rerun_message(url_path, query_string, base_url, locale))
        deadline = started + timeout
        while True:
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                raise TimeoutError(f"no script_finished within {timeout} s")
            message = await ws.receive(timeout=remaining)
            if message.type != aiohttp.WSMsgType.BINARY:
                raise ConnectionError(f"websocket ended before the run finished: {message.type!r} {message.data!r}")
            run.messages += 1
            run.bytes_received += len(message.data)
            run.largest_message = max(run.largest_message, len(message.data))
            forward = ForwardMsg()
            forward.ParseFromString(message.data)
            _walk_elements(forward, run)
            if forward.WhichOneof("type") == "script_finished":
                status = ForwardMsg.ScriptFinishedStatus.Name(forward.script_finished)
                run.finished = status
                # a page that found itself outside the entry point reruns (app/entry.py): wait on
                if status != "FINISHED_EARLY_FOR_RERUN":
                    break
    run.seconds = time.perf_counter() - started
    return run


async def open_websocket(session: aiohttp.ClientSession, base_url: str, origin: str | None,
                         headers: dict[str, str] | None = None, query: str = "") -> int:
    """Open /_stcore/stream from `origin` and close it again: the HTTP status of the handshake
    (101 when the websocket opened). A server that accepts the handshake and then closes with a
    policy violation (Streamlit's own Origin check) counts as refused: 403. `query` is added to
    the URL (a marker to find the request in a log)."""
    send = dict(headers or {})
    if origin is not None:
        send["Origin"] = origin
    url = websocket_url(base_url) + (f"?{query}" if query else "")
    try:
        async with session.ws_connect(url, protocols=(SUBPROTOCOL,), headers=send) as ws:
            await ws.send_bytes(rerun_message("", "", base_url))
            message = await ws.receive(timeout=60)
            if message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.CLOSING):
                return 403
            return 101
    except aiohttp.WSServerHandshakeError as refused:
        return refused.status
