"""A minimal client of Streamlit's websocket protocol, the one the browser speaks: open
/_stcore/stream, send a BackMsg asking to run the page (rerun_script with a ClientState naming the
page, its query string and the reader's locale), read ForwardMsgs until the run ends.

Used by the proxy tests (does a websocket open from this Origin?) and bench/bench_proxy.py (many
concurrent sessions, each really running the page script on a replica).
"""
from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any
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
    codes: list[str] = field(default_factory=list)  # the text of every code block drawn (share links, embeds)
    blocks: list[str] = field(default_factory=list)  # the ids of the keyed blocks drawn (containers, menus)
    alerts: list[str] = field(default_factory=list)  # the text of every alert drawn (st.error, st.info, ...)

    @property
    def cards(self) -> set[str]:
        """The chart cards the run drew, by their containers' keys (chart_card.render: card-<key>)."""
        return {block.rsplit("-card-", 1)[1] for block in self.blocks if "-card-" in block}

    @property
    def ok(self) -> bool:
        return self.finished in ("FINISHED_SUCCESSFULLY", "FINISHED_FRAGMENT_RUN_SUCCESSFULLY") and not self.exceptions


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
    if forward.HasField("delta") and forward.delta.HasField("add_block") and forward.delta.add_block.id:
        run.blocks.append(forward.delta.add_block.id)
    if not forward.HasField("delta") or not forward.delta.HasField("new_element"):
        return
    element = forward.delta.new_element
    kind = element.WhichOneof("type")
    if kind == "exception":
        run.exceptions.append(f"{element.exception.type}: {element.exception.message}")
    elif kind == "alert":
        run.alerts.append(element.alert.body)
    elif kind == "plotly_chart":
        run.charts += 1
    elif kind == "code":
        run.codes.append(element.code.code_text)


async def _read_until_finished(ws: aiohttp.ClientWebSocketResponse, run: PageRun, deadline: float, timeout: float,
                               note: Callable[[ForwardMsg], None] | None = None) -> None:
    """Read ForwardMsgs into `run` until the script finishes (a page that found itself outside the
    entry point reruns, app/entry.py: its early finish is waited past). Raises on a timeout or a
    closed websocket."""
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
        if note is not None:
            note(forward)
        if forward.WhichOneof("type") == "script_finished":
            status = ForwardMsg.ScriptFinishedStatus.Name(forward.script_finished)
            run.finished = status
            if status != "FINISHED_EARLY_FOR_RERUN":
                return


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
        await _read_until_finished(ws, run, started + timeout, timeout)
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


@dataclass
class Widget:
    """A widget a page drew, as the browser knows it: its id, kind, the fragment it was drawn in
    ("" outside any) and, for a button group, its options as drawn (the values the wire carries)."""
    id: str
    kind: str
    fragment_id: str = ""
    options: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        """The widget's user key: Streamlit ends a keyed widget's id with it."""
        return self.id.rsplit("-", 1)[-1] if "-" in self.id else self.id


_WIDGET_KINDS = {"button_group", "checkbox", "multiselect", "selectbox", "radio", "slider", "toggle"}


class Session:
    """One reader's session kept open over several runs, as a browser keeps it: the first run of a
    page, then filter changes, each a rerun_script carrying the widget states (and, for a widget
    drawn inside an st.fragment, that fragment's id, so only the fragment reruns)."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse, base_url: str, locale: str = "en-GB"):
        self.ws = ws
        self.base_url = base_url
        self.locale = locale
        self.widgets: dict[str, Widget] = {}
        self.states: dict[str, Any] = {}   # widget id -> WidgetState the reader set
        self.url_path = ""
        self.query_string = ""             # the page's URL as the server last wrote it
        self.page_script_hash = ""

    @classmethod
    @asynccontextmanager
    async def open(cls, http: aiohttp.ClientSession, base_url: str, locale: str = "en-GB",
                   headers: dict[str, str] | None = None):
        async with http.ws_connect(websocket_url(base_url), protocols=(SUBPROTOCOL,), headers=headers or {},
                                   max_msg_size=0, timeout=aiohttp.ClientWSTimeout(ws_close=10),
                                   autoping=True) as ws:
            yield cls(ws, base_url, locale)

    def _client_state(self, msg: BackMsg, fragment_id: str = "") -> None:
        state = msg.rerun_script
        state.query_string = self.query_string
        state.page_name = self.url_path
        state.page_script_hash = self.page_script_hash
        state.context_info.locale = self.locale
        state.context_info.timezone = "UTC"
        state.context_info.url = f"{self.base_url.rstrip('/')}/{self.url_path}" + (
            f"?{self.query_string}" if self.query_string else "")
        for widget_state in self.states.values():
            state.widget_states.widgets.add().CopyFrom(widget_state)
        if fragment_id:
            state.fragment_id = fragment_id

    async def run(self, url_path: str = "", query_string: str = "", timeout: float = 120.0) -> PageRun:
        """Open a page (as following a link does: the page's widgets start afresh)."""
        self.url_path, self.query_string = url_path, query_string
        self.states.clear()
        msg = BackMsg()
        self._client_state(msg)
        return await self._exchange(msg, timeout)

    def widget(self, key: str) -> Widget:
        for widget in self.widgets.values():
            if widget.key == key or widget.id.endswith(f"-{key}"):  # a key may hold dashes: share-<card>
                return widget
        raise KeyError(f"no widget with key {key!r} on the page (have {sorted(w.key for w in self.widgets.values())})")

    async def set(self, key: str, value: Any, timeout: float = 120.0) -> PageRun:
        """Change a widget as a reader does: a bool for a toggle or checkbox, an option as drawn
        (its label) for a segmented control, True or False to open or close a menu or an expander
        that reruns when opened; the rerun is the widget's fragment's when it has one."""
        from streamlit.proto.WidgetStates_pb2 import WidgetState
        widget = self.widget(key)
        state = WidgetState(id=widget.id)
        if widget.kind in ("checkbox", "popover", "expandable"):
            state.bool_value = bool(value)
        elif widget.kind == "button_group":
            state.string_array_value.data.extend([str(v) for v in (value if isinstance(value, list) else [value])])
        elif widget.kind == "radio":
            state.string_value = str(value)
        else:
            raise NotImplementedError(f"setting a {widget.kind} is not implemented")
        self.states[widget.id] = state
        msg = BackMsg()
        self._client_state(msg, widget.fragment_id)
        return await self._exchange(msg, timeout)

    async def _exchange(self, msg: BackMsg, timeout: float) -> PageRun:
        run = PageRun()
        started = time.perf_counter()
        await self.ws.send_bytes(msg.SerializeToString())
        await _read_until_finished(self.ws, run, started + timeout, timeout, note=self._note)
        run.seconds = time.perf_counter() - started
        return run

    def _note(self, forward: ForwardMsg) -> None:
        kind = forward.WhichOneof("type")
        if kind == "page_info_changed":
            self.query_string = forward.page_info_changed.query_string
        elif kind == "new_session":
            self.page_script_hash = forward.new_session.page_script_hash
        elif kind == "navigation":
            self.page_script_hash = forward.navigation.page_script_hash
        elif kind == "delta" and forward.delta.HasField("new_element"):
            element = forward.delta.new_element
            widget_kind = element.WhichOneof("type")
            if widget_kind in _WIDGET_KINDS:
                proto = getattr(element, widget_kind)
                if widget_kind == "button_group":
                    options = [o.content for o in proto.options]
                elif widget_kind == "radio":
                    options = list(proto.options)
                else:
                    options = []
                self.widgets[proto.id] = Widget(proto.id, widget_kind, forward.delta.fragment_id, options)
        elif kind == "delta" and forward.delta.HasField("add_block"):
            block = forward.delta.add_block  # a menu or an expander that reruns when opened is a widget too
            block_kind = block.WhichOneof("type")
            if block_kind in ("popover", "expandable") and getattr(block, block_kind).id:
                widget_id = getattr(block, block_kind).id
                self.widgets[widget_id] = Widget(widget_id, block_kind, forward.delta.fragment_id)
