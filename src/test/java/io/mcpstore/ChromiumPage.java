package io.mcpstore;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One tab of a real headless Chromium, driven over the Chrome DevTools Protocol (a WebSocket, as Puppeteer does):
 * navigate, evaluate script in the page, type text and press keys as a user at the keyboard would.
 */
final class ChromiumPage implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("DevTools listening on (ws://\\S+)");
    private static final Map<String, int[]> KEYS = Map.of("Tab", new int[] {9}, "Enter", new int[] {13});

    private final Process chromium;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonObject>> pending = new ConcurrentHashMap<>();
    private final StringBuilder frame = new StringBuilder();

    private ChromiumPage(Process chromium, WebSocket socket) {
        this.chromium = chromium;
        this.socket = socket;
    }

    static ChromiumPage open(Path executable, Path profile) throws Exception {
        Process chromium = new ProcessBuilder(List.of(
                        executable.toString(),
                        "--headless",
                        "--no-sandbox",
                        "--disable-gpu",
                        "--disable-quic",
                        "--no-first-run",
                        "--disable-background-networking",
                        "--disable-component-update",
                        "--disable-sync",
                        "--remote-debugging-address=127.0.0.1",
                        "--remote-debugging-port=0",
                        "--user-data-dir=" + profile,
                        "about:blank"))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        try {
            BufferedReader err =
                    new BufferedReader(new InputStreamReader(chromium.getErrorStream(), StandardCharsets.UTF_8));
            String browserUrl = null;
            StringBuilder seen = new StringBuilder();
            for (String line = err.readLine(); line != null; line = err.readLine()) {
                seen.append(line).append('\n');
                Matcher m = LISTENING.matcher(line);
                if (m.find()) {
                    browserUrl = m.group(1);
                    break;
                }
            }
            if (browserUrl == null) throw new IllegalStateException("Chromium printed no DevTools URL:\n" + seen);
            Thread drain = new Thread(
                    () -> {
                        try {
                            while (err.readLine() != null) {
                                // keep the pipe empty so Chromium never blocks on its log
                            }
                        } catch (java.io.IOException ignored) {
                            // Chromium ended
                        }
                    },
                    "chromium-stderr");
            drain.setDaemon(true);
            drain.start();
            URI browser = URI.create(browserUrl);
            HttpClient http = HttpClient.newHttpClient();
            String pageUrl = null;
            for (Object o : new JsonArray(http.send(
                            HttpRequest.newBuilder(URI.create(
                                            "http://" + browser.getHost() + ":" + browser.getPort() + "/json/list"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body())) {
                JsonObject target = (JsonObject) o;
                if ("page".equals(target.getString("type"))) {
                    pageUrl = target.getString("webSocketDebuggerUrl");
                    break;
                }
            }
            if (pageUrl == null) throw new IllegalStateException("Chromium has no page to drive");
            ChromiumPage[] page = new ChromiumPage[1];
            WebSocket socket = http.newWebSocketBuilder()
                    .buildAsync(URI.create(pageUrl), new WebSocket.Listener() {
                        @Override
                        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                            page[0].received(data, last);
                            ws.request(1);
                            return null;
                        }
                    })
                    .get(30, TimeUnit.SECONDS);
            page[0] = new ChromiumPage(chromium, socket);
            page[0].call("Page.enable", new JsonObject());
            page[0].call("Runtime.enable", new JsonObject());
            page[0].call(
                    "Emulation.setDeviceMetricsOverride",
                    new JsonObject()
                            .put("width", 1100)
                            .put("height", 760)
                            .put("deviceScaleFactor", 1)
                            .put("mobile", false));
            return page[0];
        } catch (Exception e) {
            chromium.destroyForcibly();
            throw e;
        }
    }

    private synchronized void received(CharSequence data, boolean last) {
        frame.append(data);
        if (!last) return;
        JsonObject message = new JsonObject(frame.toString());
        frame.setLength(0);
        Integer id = message.getInteger("id");
        if (id == null) return; // an event
        CompletableFuture<JsonObject> answer = pending.remove(id);
        if (answer == null) return;
        if (message.containsKey("error")) answer.completeExceptionally(new IllegalStateException(message.encode()));
        else answer.complete(message.getJsonObject("result", new JsonObject()));
    }

    JsonObject call(String method, JsonObject params) throws Exception {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonObject> answer = new CompletableFuture<>();
        pending.put(id, answer);
        socket.sendText(
                        new JsonObject()
                                .put("id", id)
                                .put("method", method)
                                .put("params", params)
                                .encode(),
                        true)
                .get(10, TimeUnit.SECONDS);
        return answer.get(30, TimeUnit.SECONDS);
    }

    void navigate(String url) throws Exception {
        call("Page.navigate", new JsonObject().put("url", url));
    }

    /** The value of a script expression in the page (promises awaited). */
    Object eval(String expression) throws Exception {
        JsonObject result = call(
                "Runtime.evaluate",
                new JsonObject()
                        .put("expression", expression)
                        .put("returnByValue", true)
                        .put("awaitPromise", true));
        if (result.containsKey("exceptionDetails"))
            throw new IllegalStateException(expression + " threw " + result.getJsonObject("exceptionDetails"));
        return result.getJsonObject("result").getValue("value");
    }

    /**
     * Waits until the expression is true in the page (one that throws, as while a new page loads, counts as false);
     * fails with {@code describe}'s value when it never is.
     */
    void await(String condition, Duration within, String describe) throws Exception {
        Instant deadline = Instant.now().plus(within);
        String guarded = "(() => { try { return Boolean(" + condition + "); } catch (e) { return false; } })()";
        while (!Boolean.TRUE.equals(eval(guarded))) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("not true within " + within + ": " + condition + "\n" + eval(describe));
            }
            Thread.sleep(100);
        }
    }

    /** Emulates a screen of that width (CSS pixels) and colour scheme ({@code light} or {@code dark}). */
    void screen(int width, int height, String colorScheme) throws Exception {
        call(
                "Emulation.setDeviceMetricsOverride",
                new JsonObject()
                        .put("width", width)
                        .put("height", height)
                        .put("deviceScaleFactor", 1)
                        .put("mobile", width < 600));
        call(
                "Emulation.setEmulatedMedia",
                new JsonObject()
                        .put(
                                "features",
                                new JsonArray()
                                        .add(new JsonObject()
                                                .put("name", "prefers-color-scheme")
                                                .put("value", colorScheme))));
        this.width = width;
    }

    private int width = 1100;

    /** Saves what the tab shows now as a PNG (the whole page, up to 2400 px tall). */
    void screenshot(Path file) throws Exception {
        Object height = eval("Math.min(2400, document.documentElement.scrollHeight)");
        JsonObject shot = call(
                "Page.captureScreenshot",
                new JsonObject()
                        .put("format", "png")
                        .put("captureBeyondViewport", true)
                        .put(
                                "clip",
                                new JsonObject()
                                        .put("x", 0)
                                        .put("y", 0)
                                        .put("width", width)
                                        .put("height", ((Number) height).intValue())
                                        .put("scale", 1)));
        java.nio.file.Files.createDirectories(file.getParent());
        java.nio.file.Files.write(file, java.util.Base64.getDecoder().decode(shot.getString("data")));
    }

    /** Types into whatever has the focus, as an input method would. */
    void type(String text) throws Exception {
        call("Input.insertText", new JsonObject().put("text", text));
    }

    /** Presses and releases a key: {@code Tab} or {@code Enter}. */
    void press(String key) throws Exception {
        int code = KEYS.get(key)[0];
        JsonObject down = new JsonObject()
                .put("type", key.equals("Enter") ? "keyDown" : "rawKeyDown")
                .put("key", key)
                .put("code", key)
                .put("windowsVirtualKeyCode", code)
                .put("nativeVirtualKeyCode", code);
        if (key.equals("Enter")) down.put("text", "\r").put("unmodifiedText", "\r");
        call("Input.dispatchKeyEvent", down);
        call(
                "Input.dispatchKeyEvent",
                new JsonObject()
                        .put("type", "keyUp")
                        .put("key", key)
                        .put("code", key)
                        .put("windowsVirtualKeyCode", code)
                        .put("nativeVirtualKeyCode", code));
    }

    @Override
    public void close() throws Exception {
        List<ProcessHandle> helpers = chromium.descendants().toList();
        try {
            socket.abort();
        } finally {
            chromium.destroy();
            if (!chromium.waitFor(10, TimeUnit.SECONDS)) chromium.destroyForcibly();
            helpers.forEach(ProcessHandle::destroyForcibly);
        }
    }
}
