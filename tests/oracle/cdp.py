"""tests/oracle/cdp.py - a minimal Chrome DevTools Protocol client for the
browser oracles: headless Chromium started with --remote-debugging-pipe
(messages are JSON texts ended by a NUL byte; the browser reads fd 3 and
writes fd 4), one page target attached in flat mode.  No pip packages.

    with Browser() as b:              # Chromium is killed on every exit path
        page = b.new_page()           # Page, Runtime, Log, Network enabled
        page.navigate("file:///tmp/x.html")
        page.eval("document.title")
        page.key("/"); page.type("ntnu"); page.key("Enter")
        page.click(x, y)
        png = page.screenshot()
        page.events                   # every event received, in order

Events are kept on the page they belong to (page.events, a list of
{"method", "params"}); page.wait_for(pred) reads until pred(event) holds."""
import base64
import json
import os
import select
import shutil
import signal
import subprocess
import tempfile
import time

CHROMIUM = "/usr/bin/chromium"


def browser_skipped(under_sanitizers):
    """Why a browser test does not run here (no Chromium; the sanitizer pass,
    whose build the browser does not exercise: under_sanitizers says what
    runs instead), or None."""
    if not os.path.exists(CHROMIUM):
        return "skipped: no chromium"
    if os.environ.get("TEST_MODE") == "sanitizers":
        return "skipped under the sanitizers: " + under_sanitizers
    return None


class CDPError(RuntimeError):
    pass


class Browser:
    def __init__(self, chromium=CHROMIUM, width=1280, height=900, extra_args=()):
        self.profile = tempfile.mkdtemp(prefix="kl-cdp-")
        self.buf, self.next_id, self.proc = b"", 0, None
        self.pending = {}        # sessionId -> events not yet taken by a Page
        self.err = open(os.path.join(self.profile, "chromium.log"), "wb")
        r_cmd, w_cmd = os.pipe()     # we write commands, Chromium reads fd 3
        r_out, w_out = os.pipe()     # Chromium writes fd 4, we read

        def child():
            # os.pipe() fds are close-on-exec: duplicate them away from 3 and 4
            # first (they may be 3 or 4 themselves), then onto 3 and 4
            a, b = os.dup(r_cmd), os.dup(w_out)
            os.dup2(a, 3)
            os.dup2(b, 4)
            os.set_inheritable(3, True)
            os.set_inheritable(4, True)
            os.setsid()              # its own process group: killed as one

        args = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                "--no-first-run", "--no-default-browser-check", "--disable-extensions",
                "--disable-background-networking", "--disable-sync", "--disable-component-update",
                "--mute-audio", "--remote-debugging-pipe", "--user-data-dir=" + self.profile,
                "--window-size=%d,%d" % (width, height)] + list(extra_args) + ["about:blank"]
        try:
            self.proc = subprocess.Popen(args, close_fds=False, preexec_fn=child, stdin=subprocess.DEVNULL,
                                         stdout=subprocess.DEVNULL, stderr=self.err)
        except BaseException:
            for fd in (r_cmd, w_cmd, r_out, w_out):
                os.close(fd)
            self._cleanup()
            raise
        os.close(r_cmd)
        os.close(w_out)
        self.w, self.r = w_cmd, r_out
        self.width, self.height = width, height

    # -- plumbing
    def _read(self, deadline):
        while b"\0" not in self.buf:
            left = deadline - time.time()
            if left <= 0 or not select.select([self.r], [], [], left)[0]:
                raise TimeoutError("no answer from chromium")
            chunk = os.read(self.r, 1 << 20)
            if not chunk:
                raise EOFError("chromium closed the pipe")
            self.buf += chunk
        msg, _, self.buf = self.buf.partition(b"\0")
        return json.loads(msg.decode("utf-8"))

    def _keep(self, msg):
        if "method" in msg:
            self.pending.setdefault(msg.get("sessionId"), []).append(
                {"method": msg["method"], "params": msg.get("params", {})})

    def send(self, method, params=None, session=None, timeout=30):
        self.next_id += 1
        mid = self.next_id
        msg = {"id": mid, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        data = json.dumps(msg).encode("utf-8") + b"\0"
        while data:
            data = data[os.write(self.w, data):]
        deadline = time.time() + timeout
        while True:
            m = self._read(deadline)
            if m.get("id") == mid:
                if "error" in m:
                    raise CDPError("%s: %s" % (method, m["error"]))
                return m.get("result", {})
            self._keep(m)

    def pump(self, seconds):
        """Read events for about `seconds`."""
        deadline = time.time() + seconds
        try:
            while True:
                self._keep(self._read(deadline))
        except TimeoutError:
            pass

    def new_page(self, url="about:blank"):
        target = self.send("Target.createTarget", {"url": url})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        page = Page(self, session, target)
        for domain in ("Page", "Runtime", "Log", "Network"):
            page.send(domain + ".enable")
        page.send("Emulation.setDeviceMetricsOverride",
                  {"width": self.width, "height": self.height, "deviceScaleFactor": 1, "mobile": False})
        return page

    # -- ending
    def close(self):
        if self.proc is None:
            return
        try:
            if self.proc.poll() is None:
                try:
                    self.send("Browser.close", timeout=5)
                except Exception:
                    pass
                try:
                    self.proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    pass
        finally:
            self._cleanup()

    def _cleanup(self):
        if self.proc is not None and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except OSError:
                self.proc.kill()
            self.proc.wait()
        if self.proc is not None:
            try:  # whatever it left in its process group
                os.killpg(self.proc.pid, signal.SIGKILL)
            except OSError:
                pass
        self.proc = None
        for fd in ("w", "r"):
            if hasattr(self, fd):
                try:
                    os.close(getattr(self, fd))
                except OSError:
                    pass
                delattr(self, fd)
        if not self.err.closed:
            self.err.close()
        shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass


class Page:
    def __init__(self, browser, session, target):
        self.b, self.session, self.target = browser, session, target
        self.events = []

    def _take(self):
        got = self.b.pending.pop(self.session, [])
        self.events.extend(got)
        return got

    def send(self, method, params=None, timeout=30):
        try:
            return self.b.send(method, params, session=self.session, timeout=timeout)
        finally:
            self._take()

    def wait_for(self, pred, timeout=15):
        """Read events until one satisfies pred (checks those already seen first)."""
        for e in self.events:
            if pred(e):
                return e
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                self.b._keep(self.b._read(deadline))
            except TimeoutError:
                break
            for e in self._take():
                if pred(e):
                    return e
        raise TimeoutError("event not seen")

    def settle(self, seconds=0.2):
        self.b.pump(seconds)
        self._take()

    def navigate(self, url, timeout=30):
        self.events = [e for e in self.events if e["method"] != "Page.loadEventFired"]
        res = self.send("Page.navigate", {"url": url})
        if res.get("errorText"):
            raise CDPError("navigate %s: %s" % (url, res["errorText"]))
        self.wait_for(lambda e: e["method"] == "Page.loadEventFired", timeout)
        self.settle(0.3)
        return res

    def eval(self, expr, timeout=30):
        """The value of a JavaScript expression (JSON-able); raises on an exception."""
        r = self.send("Runtime.evaluate", {"expression": expr, "returnByValue": True, "awaitPromise": True,
                                           "userGesture": True}, timeout)
        if "exceptionDetails" in r:
            d = r["exceptionDetails"]
            raise CDPError("eval %r: %s" % (expr[:80], d.get("exception", {}).get("description", d.get("text"))))
        return r.get("result", {}).get("value")

    # -- input, as a user makes it
    KEYS = {"Enter": (13, "\r"), "Escape": (27, ""), "Tab": (9, ""), "ArrowDown": (40, ""), "ArrowUp": (38, ""),
            "ArrowLeft": (37, ""), "ArrowRight": (39, ""), "Backspace": (8, ""), "Home": (36, ""), "End": (35, ""),
            " ": (32, " ")}

    def key(self, key, shift=False):
        """Press and release one key: a named key (Enter, Escape, Tab, Arrow*) or one character."""
        code, text = self.KEYS.get(key, (0, key))
        if not code and len(key) == 1:
            c = key.upper()
            code = ord(c) if c.isalnum() else {"/": 191, "+": 187, "-": 189, "=": 187, "0": 48}.get(key, 0)
        mods = 8 if shift else 0
        base = {"key": key, "windowsVirtualKeyCode": code, "nativeVirtualKeyCode": code, "modifiers": mods}
        if key in self.KEYS and key != " ":
            base["code"] = key
        self.send("Input.dispatchKeyEvent", dict(base, type="keyDown" if text else "rawKeyDown", text=text) if text
                  else dict(base, type="rawKeyDown"))
        self.send("Input.dispatchKeyEvent", dict(base, type="keyUp"))

    def type(self, text):
        self.send("Input.insertText", {"text": text})

    def mouse(self, kind, x, y, buttons=0, button="none", clicks=0):
        self.send("Input.dispatchMouseEvent", {"type": kind, "x": x, "y": y, "button": button,
                                               "buttons": buttons, "clickCount": clicks})

    def click(self, x, y):
        self.mouse("mouseMoved", x, y)
        self.mouse("mousePressed", x, y, 1, "left", 1)
        self.mouse("mouseReleased", x, y, 0, "left", 1)

    def drag(self, x0, y0, x1, y1, steps=8):
        self.mouse("mouseMoved", x0, y0)
        self.mouse("mousePressed", x0, y0, 1, "left", 1)
        for k in range(1, steps + 1):
            self.mouse("mouseMoved", x0 + (x1 - x0) * k / steps, y0 + (y1 - y0) * k / steps, 1, "left")
        self.mouse("mouseReleased", x1, y1, 0, "left", 1)

    def screenshot(self, full_page=False):
        params = {"format": "png"}
        if full_page:
            m = self.send("Page.getLayoutMetrics")
            size = m.get("cssContentSize") or m["contentSize"]
            params.update(captureBeyondViewport=True,
                          clip={"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1})
        return base64.b64decode(self.send("Page.captureScreenshot", params)["data"])
