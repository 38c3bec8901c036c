//! Harness for CaseDesk's end-to-end tests: starts tauri-driver (which starts WebKitWebDriver,
//! which starts the real app binary) with a private data folder, and offers the few waits and
//! actions the tests need. Run under Xvfb by `scripts/test.sh`; it needs `CASEDESK_APP_BIN`
//! pointing at an app built with its frontend embedded.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};

pub type Res<T> = Result<T, Box<dyn std::error::Error>>;

/// WebDriver's Enter key.
pub const ENTER: &str = "\u{E007}";
const CONTROL: &str = "\u{E009}";

/// WebKitWebDriver's answer when an element was replaced while a handle was being made or used.
fn is_stale(e: &fantoccini::error::CmdError) -> bool {
    e.is_stale_element_reference()
}
const BACKSPACE: &str = "\u{E003}";

/// The number in "共 1,234 条".
pub fn count_in(text: &str) -> Option<u64> {
    text.chars()
        .filter(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .ok()
}

/// Runs casedesk-cli on a data folder; its stdout, or its one-line error.
pub fn cli(data: &Path, args: &[&str]) -> Res<String> {
    let out = Command::new(cli_binary())
        .arg("--data")
        .arg(data)
        .args(args)
        .output()?;
    if !out.status.success() {
        return Err(format!(
            "casedesk-cli {args:?}: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        )
        .into());
    }
    Ok(String::from_utf8(out.stdout)?)
}

/// `casedesk-cli login` to the hub at `url` as `user`, the demo password on stdin (tokens in a
/// file: the test machine has no keyring).
pub fn cli_login(data: &Path, url: &str, user: &str) -> Res<()> {
    use std::io::Write;
    let mut child = Command::new(cli_binary())
        .env("CASEDESK_TOKEN_STORE", "file")
        .arg("--data")
        .arg(data)
        .args(["login", "--hub", url, "--user", user])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()?;
    child
        .stdin
        .take()
        .ok_or("casedesk-cli's stdin")?
        .write_all(b"casedesk-demo\n")?;
    let out = child.wait_with_output()?;
    if !out.status.success() {
        return Err(format!(
            "casedesk-cli login {user}: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        )
        .into());
    }
    Ok(())
}

/// casedesk-cli with `--json`, parsed.
pub fn cli_json(data: &Path, args: &[&str]) -> Res<serde_json::Value> {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    Ok(serde_json::from_str(&cli(data, &all)?)?)
}

/// The app binary under test, or a clear reason why the test cannot run.
pub fn app_binary() -> PathBuf {
    let bin = std::env::var_os("CASEDESK_APP_BIN")
        .map(PathBuf::from)
        .unwrap_or_default();
    assert!(
        bin.is_file(),
        "CASEDESK_APP_BIN must name the built app (scripts/test.sh builds it): {bin:?}"
    );
    bin
}

/// casedesk-cli, for changing the cache from another process during a test.
pub fn cli_binary() -> PathBuf {
    let bin = std::env::var_os("CASEDESK_CLI_BIN")
        .map(PathBuf::from)
        .unwrap_or_default();
    assert!(
        bin.is_file(),
        "CASEDESK_CLI_BIN must name the built casedesk-cli: {bin:?}"
    );
    bin
}

/// casedesk-hub, for a real hub on loopback beside the app.
pub fn hub_binary() -> PathBuf {
    let bin = std::env::var_os("CASEDESK_HUB_BIN")
        .map(PathBuf::from)
        .unwrap_or_default();
    assert!(
        bin.is_file(),
        "CASEDESK_HUB_BIN must name the built casedesk-hub: {bin:?}"
    );
    bin
}

/// Where screenshots go: `CASEDESK_ARTIFACTS`, else `artifacts/` in the workspace.
pub fn artifacts_dir() -> PathBuf {
    let dir = std::env::var_os("CASEDESK_ARTIFACTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../artifacts"));
    std::fs::create_dir_all(&dir).expect("artifacts folder");
    dir
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

/// A `casedesk-hub serve --demo` child process, stopped when dropped.
pub struct HubProcess(Child);

impl Drop for HubProcess {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Takes a carrier's submission folder in with `casedesk-hub ingest-application`, as the carrier
/// portal would, into the hub whose SQLite file is `db`.
pub fn ingest_application(db: &Path, folder: &Path) -> Res<()> {
    let out = Command::new(hub_binary())
        .arg("--db")
        .arg(db)
        .arg("ingest-application")
        .arg(folder)
        .output()?;
    if !out.status.success() {
        return Err(format!(
            "ingest-application: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        )
        .into());
    }
    Ok(())
}

/// Starts the built hub with its demo users and orders on a database in `dir`, listening on
/// `listen` (a free loopback port when none); returns it and its address once it accepts
/// connections. Started again on the same folder and address, it is the same hub back.
pub fn start_hub(dir: &Path, listen: Option<&str>) -> Res<(HubProcess, String)> {
    let listen = match listen {
        Some(l) => l.to_string(),
        None => format!("127.0.0.1:{}", free_port()),
    };
    let child = Command::new(hub_binary())
        // A small demo: the tests pick their orders from what they pull.
        .args([
            "serve",
            "--listen",
            &listen,
            "--demo",
            "--demo-orders",
            "300",
            "--db",
        ])
        .arg(dir.join("hub.db"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()?;
    let hub = HubProcess(child);
    let started = Instant::now();
    while std::net::TcpStream::connect(&listen).is_err() {
        if started.elapsed() > Duration::from_secs(20) {
            return Err("the hub did not listen within 20 s".into());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Ok((hub, format!("http://{listen}")))
}

/// One running app: tauri-driver, its WebDriver session, and the app's data folder.
pub struct Session {
    pub client: Client,
    driver: Child,
}

impl Drop for Session {
    // A failed test must not leave tauri-driver (and the app) running.
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

impl Session {
    /// Starts the app with `xdg_data_home` as its data root.
    pub async fn start(xdg_data_home: &Path) -> Res<Session> {
        Session::start_with(xdg_data_home, &[]).await
    }

    /// Starts the app with `xdg_data_home` as its data root and more environment, e.g.
    /// `CASEDESK_TEST_CHOOSER`: the files the native chooser returns (a window WebDriver cannot
    /// reach), joined as in `PATH`.
    pub async fn start_with(
        xdg_data_home: &Path,
        env: &[(&str, &std::ffi::OsStr)],
    ) -> Res<Session> {
        let port = free_port();
        let native = free_port();
        let driver =
            Command::new(std::env::var("TAURI_DRIVER").unwrap_or_else(|_| "tauri-driver".into()))
                .args([
                    "--port",
                    &port.to_string(),
                    "--native-port",
                    &native.to_string(),
                ])
                // tauri-driver passes its environment on to the app.
                .env("XDG_DATA_HOME", xdg_data_home)
                .envs(env.iter().copied())
                .stdout(Stdio::null())
                .stderr(Stdio::inherit())
                .spawn()
                .map_err(|e| {
                    format!(
                "cannot start tauri-driver (cargo install tauri-driver --locked --version ^2): {e}"
            )
                })?;
        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), "wry".into());
        caps.insert(
            "tauri:options".into(),
            serde_json::json!({ "application": app_binary() }),
        );
        let url = format!("http://127.0.0.1:{port}");
        let started = Instant::now();
        let client = loop {
            match ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
                .capabilities(caps.clone())
                .connect(&url)
                .await
            {
                Ok(c) => break c,
                Err(e) if started.elapsed() < Duration::from_secs(30) => {
                    let _ = e;
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                Err(e) => return Err(format!("no WebDriver session after 30 s: {e}").into()),
            }
        };
        Ok(Session { client, driver })
    }

    /// Ends the WebDriver session, which closes the app; Drop then stops tauri-driver.
    pub async fn stop(self) -> Res<()> {
        self.client.clone().close().await?;
        Ok(())
    }

    /// Waits for an element matching `css`. WebKitWebDriver answers "stale element" when the
    /// match is re-rendered while it builds the handle: that is looked up again, not a failure.
    pub async fn find(&self, css: &str) -> Res<Element> {
        let started = Instant::now();
        loop {
            let left = Duration::from_secs(20).saturating_sub(started.elapsed());
            match self
                .client
                .wait()
                .at_most(left)
                .for_element(Locator::Css(css))
                .await
            {
                Ok(el) => return Ok(el),
                Err(e) if is_stale(&e) && !left.is_zero() => {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Err(e) => {
                    let said = self.failure_evidence(css).await;
                    return Err(format!("element {css} did not appear: {e}; {said}").into());
                }
            }
        }
    }

    /// Runs a script that reads the page. WebKitWebDriver now and then answers "Could not parse
    /// script result" for a plain array or number while the page is busy re-rendering; the same
    /// read a moment later is fine, so that answer is retried (for up to 2 s).
    async fn read_page(
        &self,
        script: &str,
        args: Vec<serde_json::Value>,
    ) -> Res<serde_json::Value> {
        let started = Instant::now();
        loop {
            match self.client.execute(script, args.clone()).await {
                Ok(v) => return Ok(v),
                Err(e)
                    if e.to_string().contains("Could not parse script result")
                        && started.elapsed() < Duration::from_secs(2) =>
                {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Err(e) => return Err(e.into()),
            }
        }
    }

    /// How many elements match `css` now, counted in the page (no element handles to go stale).
    pub async fn count(&self, css: &str) -> Res<usize> {
        let n = self
            .read_page(
                "return document.querySelectorAll(arguments[0]).length;",
                vec![serde_json::json!(css)],
            )
            .await?
            .as_u64()
            .unwrap_or(0);
        Ok(n as usize)
    }

    /// An attribute of every element matching `css`, read in the page.
    pub async fn attrs(&self, css: &str, name: &str) -> Res<Vec<String>> {
        let v = self
            .read_page(
                "return [...document.querySelectorAll(arguments[0])]\
                 .map(e => e.getAttribute(arguments[1]) || '');",
                vec![serde_json::json!(css), serde_json::json!(name)],
            )
            .await?;
        Ok(serde_json::from_value(v)?)
    }

    /// Waits (up to 2 s) until the element's box is the same in two reads 60 ms apart. WebDriver
    /// clicks the centre it measured: an element still sliding in with its dialog is missed
    /// without an error (the click lands on what is there a moment later).
    async fn still(&self, el: &Element) -> Res<()> {
        const RECT: &str = "const r = arguments[0].getBoundingClientRect();\
                            return [r.x, r.y, r.width, r.height].join(',');";
        let started = Instant::now();
        let mut last = String::new();
        while started.elapsed() < Duration::from_secs(2) {
            let now = match self
                .client
                .execute(RECT, vec![serde_json::to_value(el)?])
                .await
            {
                Ok(v) => v.to_string(),
                Err(e) if is_stale(&e) => return Ok(()),
                Err(e) => return Err(e.into()),
            };
            if now == last {
                return Ok(());
            }
            last = now;
            tokio::time::sleep(Duration::from_millis(60)).await;
        }
        Ok(())
    }

    /// Clicks `css` once it has stopped moving, retrying while something (a fading overlay) is
    /// in the way.
    pub async fn click(&self, css: &str) -> Res<()> {
        let started = Instant::now();
        loop {
            let el = self.find(css).await?;
            self.still(&el).await?;
            match el.click().await {
                Ok(()) => return Ok(()),
                Err(e) if started.elapsed() < Duration::from_secs(10) => {
                    let _ = e;
                    // WebKitWebDriver scrolls only the window: a button inside the window but
                    // clipped by a scrolling panel (the review's bottom edge) is not clicked.
                    // Scroll it into its panel's view, as the user would, and try again.
                    let _ = self
                        .client
                        .execute(
                            "arguments[0].scrollIntoView({block: 'nearest'})",
                            vec![serde_json::to_value(&el)?],
                        )
                        .await;
                    tokio::time::sleep(Duration::from_millis(150)).await;
                }
                Err(e) => {
                    let said = self.failure_evidence(css).await;
                    return Err(format!("cannot click {css}: {e}; {said}").into());
                }
            }
        }
    }

    /// Replaces what a field holds with `text`. WebDriver's clear alone does not reach Vue's
    /// model (it fires no input event), so the old text is also selected and deleted by keys.
    pub async fn type_into(&self, css: &str, text: &str) -> Res<()> {
        // The field may be re-rendered between finding it and typing (a list reloading behind
        // it): find it again and start over, for a while, when its handle went stale.
        let started = Instant::now();
        loop {
            match self.try_type_into(css, text).await {
                Ok(()) => return Ok(()),
                Err(e) if started.elapsed() < Duration::from_secs(10) => {
                    let _ = e;
                    tokio::time::sleep(Duration::from_millis(150)).await;
                }
                Err(e) => return Err(format!("cannot type into {css}: {e}").into()),
            }
        }
    }

    async fn try_type_into(
        &self,
        css: &str,
        text: &str,
    ) -> Result<(), fantoccini::error::CmdError> {
        let el = self
            .client
            .wait()
            .at_most(Duration::from_secs(20))
            .for_element(Locator::Css(css))
            .await?;
        el.clear().await?;
        el.send_keys(&format!("{CONTROL}a{CONTROL}{BACKSPACE}"))
            .await?;
        // WebKitWebDriver refuses keys that are no text ("Missing text parameter"): an empty
        // `text` leaves the field cleared.
        if text.is_empty() {
            return Ok(());
        }
        el.send_keys(text).await
    }

    /// Waits until the text of the first element matching `css` satisfies `ok`, and returns
    /// it. Text is read as the page's `innerText`: WebKitWebDriver's element text comes back
    /// empty for table cells after a re-render.
    pub async fn wait_text(&self, css: &str, ok: impl Fn(&str) -> bool) -> Res<String> {
        let started = Instant::now();
        let mut last = String::new();
        while started.elapsed() < Duration::from_secs(20) {
            if let Some(t) = self.inner_texts(css).await?.into_iter().next() {
                if ok(&t) {
                    return Ok(t);
                }
                last = t;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let said = self.failure_evidence(css).await;
        Err(format!("text of {css} never matched; last seen {last:?}; {said}").into())
    }

    /// What a failed wait leaves for whoever reads the CI log: the messages on screen and a
    /// screenshot named after the selector (an intermittent failure is otherwise guesswork).
    async fn failure_evidence(&self, css: &str) -> String {
        let messages = self
            .inner_texts(".el-message, .el-message-box, .el-notification")
            .await
            .unwrap_or_default();
        let name: String = css
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        let shot = match self.screenshot(&format!("failed-{name}.png")).await {
            Ok(path) => path.display().to_string(),
            Err(e) => format!("no screenshot: {e}"),
        };
        format!("messages on screen {messages:?}; screenshot {shot}")
    }

    /// The `innerText` of every element matching `css`, in document order.
    async fn inner_texts(&self, css: &str) -> Res<Vec<String>> {
        let value = self
            .read_page(
                "return [...document.querySelectorAll(arguments[0])].map(e => e.innerText);",
                vec![serde_json::json!(css)],
            )
            .await?;
        Ok(value
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default())
    }

    /// Waits until no element matches `css` (an overlay has faded out).
    pub async fn wait_gone(&self, css: &str) -> Res<()> {
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(20) {
            if self.count(css).await? == 0 {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let said = self.failure_evidence(css).await;
        Err(format!("{css} is still there after 20 s; {said}").into())
    }

    /// Texts of all elements matching `css`.
    pub async fn texts(&self, css: &str) -> Res<Vec<String>> {
        self.inner_texts(css).await
    }

    /// The text of the first element matching `css`, once it is stable enough to read.
    pub async fn text_of(&self, css: &str) -> Res<String> {
        self.wait_text(css, |_| true).await
    }

    /// Waits until an element matching `css` exists whose `innerText` satisfies `ok` (any of
    /// them, not only the first), and returns that text.
    pub async fn wait_any_text(&self, css: &str, ok: impl Fn(&str) -> bool) -> Res<String> {
        let started = Instant::now();
        let mut last = Vec::new();
        while started.elapsed() < Duration::from_secs(20) {
            let texts = self.inner_texts(css).await?;
            if let Some(t) = texts.iter().find(|t| ok(t)) {
                return Ok(t.clone());
            }
            last = texts;
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let said = self.failure_evidence(css).await;
        Err(format!("no {css} matched; last seen {last:?}; {said}").into())
    }

    /// Types `term` into the search box of the list in `scope` and presses Enter.
    pub async fn search(&self, scope: &str, term: &str) -> Res<()> {
        self.type_into(
            &format!("{scope} [data-testid=search-input] input"),
            &format!("{term}{ENTER}"),
        )
        .await
    }

    /// Waits until the drawer shows an order and has finished sliding in, so that clicks land
    /// on the buttons they aim at.
    pub async fn drawer_settled(&self) -> Res<()> {
        self.find("[data-testid=order-drawer] [data-testid=order-no]")
            .await?;
        self.wait_gone(".el-drawer-fade-enter-active, .rtl-enter-active")
            .await?;
        Ok(())
    }

    /// Closes the order drawer and waits until it has slid out.
    pub async fn close_drawer(&self) -> Res<()> {
        self.click(".el-drawer__close-btn").await?;
        self.wait_hidden("[data-testid=order-drawer]").await
    }

    /// Opens the first row of the list in `scope` (`[data-testid=inbox-view]` for 工单,
    /// `[data-testid=spot-check-view]` for 待抽查: a hidden list keeps its rows in the page).
    pub async fn open_first_row(&self, scope: &str) -> Res<()> {
        self.click(&format!("{scope} [data-testid=inbox-row] td:nth-child(3)"))
            .await?;
        self.drawer_settled().await
    }

    /// Opens the row of one order in the list in `scope`, whichever place it has. The row is
    /// found by the page's own text (WebKitWebDriver reports the text of these cells as empty
    /// after a re-render), and the click is retried while an overlay intercepts it.
    pub async fn open_row_with(&self, scope: &str, order_no: &str) -> Res<()> {
        let rows_css = format!("{scope} [data-testid=inbox-row]");
        let started = Instant::now();
        let mut last = String::from("no row yet");
        while started.elapsed() < Duration::from_secs(20) {
            let index = self
                .read_page(
                    "return [...document.querySelectorAll(arguments[0])]\
                     .findIndex(r => r.innerText.includes(arguments[1]));",
                    vec![serde_json::json!(rows_css), serde_json::json!(order_no)],
                )
                .await?
                .as_i64()
                .unwrap_or(-1);
            if let Ok(i) = usize::try_from(index) {
                let rows = match self.client.find_all(Locator::Css(&rows_css)).await {
                    Ok(rows) => rows,
                    Err(e) => {
                        // Re-rendered while the handles were made: look again.
                        last = e.to_string();
                        Vec::new()
                    }
                };
                if let Some(row) = rows.get(i) {
                    let clicked = match row.find(Locator::Css("td:nth-child(3)")).await {
                        Ok(cell) => cell.click().await.map_err(|e| e.to_string()),
                        Err(e) => Err(e.to_string()),
                    };
                    match clicked {
                        Ok(()) => return self.drawer_settled().await,
                        Err(e) => last = e,
                    }
                }
            }
            tokio::time::sleep(Duration::from_millis(150)).await;
        }
        let shot = self.screenshot("open-row-failure.png").await?;
        Err(format!(
            "cannot open the row of {order_no} in {scope}: {last} (see {})",
            shot.display()
        )
        .into())
    }

    /// Switches who works at the desk through the header's profile dialog, and waits until
    /// the header shows the new user.
    pub async fn switch_profile(&self, user: &str, role: &str) -> Res<()> {
        self.click_until_visible("[data-testid=user-button]", "[data-testid=profile-form]")
            .await?;
        self.wait_gone(".dialog-fade-enter-active").await?;
        self.type_into("[data-testid=profile-user] input", user)
            .await?;
        self.click(&format!("[data-testid=profile-role-{role}]"))
            .await?;
        self.click("[data-testid=profile-submit]").await?;
        self.wait_text("[data-testid=user-name]", |t| t == user)
            .await?;
        self.wait_hidden("[data-testid=profile-form]").await?;
        Ok(())
    }

    /// Whether an element matching `css` is visible (laid out, not under `display: none`).
    async fn visible(&self, css: &str) -> Res<bool> {
        let v = self
            .read_page(
                "return [...document.querySelectorAll(arguments[0])].some(e => e.offsetParent !== null);",
                vec![serde_json::json!(css)],
            )
            .await?;
        Ok(v == serde_json::Value::Bool(true))
    }

    /// Waits until an element matching `css` is visible.
    pub async fn wait_visible(&self, css: &str) -> Res<()> {
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(20) {
            if self.visible(css).await? {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let said = self.failure_evidence(css).await;
        Err(format!("{css} did not become visible in 20 s; {said}").into())
    }

    /// Waits until no element matching `css` is visible (a closed dialog stays in the page,
    /// hidden).
    pub async fn wait_hidden(&self, css: &str) -> Res<()> {
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(20) {
            if !self.visible(css).await? {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Err(format!("{css} is still visible after 20 s").into())
    }

    /// Calls one of the window's own commands from the page, as its buttons do, and returns
    /// its answer; a refusal is an error with the command's message. For the steps behind a
    /// native dialog (save as) that WebDriver cannot drive: the test passes the path the dialog
    /// would have returned.
    pub async fn invoke(&self, command: &str, args: serde_json::Value) -> Res<serde_json::Value> {
        let answer = self
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];\
                 window.__TAURI_INTERNALS__.invoke(arguments[0], arguments[1])\
                   .then((r) => done(JSON.stringify({ ok: r ?? null })), (e) => done(JSON.stringify({ failed: e })));",
                vec![command.into(), args],
            )
            .await?;
        let mut answer: serde_json::Value =
            serde_json::from_str(answer.as_str().ok_or("an answer")?)?;
        if let Some(failed) = answer.get("failed") {
            return Err(format!("{command} refused: {failed}").into());
        }
        Ok(answer["ok"].take())
    }

    /// Clicks a list's 打印 button with the system's print dialog stubbed out (under Xvfb it is
    /// modal and nobody can dismiss it), and returns the print sheet's rows, a text per cell;
    /// then ends the printing as the dialog would.
    pub async fn print_sheet_rows(&self, button: &str) -> Res<Vec<Vec<String>>> {
        self.read_page(
            "window.__printed = 0; window.print = () => { window.__printed += 1; };",
            vec![],
        )
        .await?;
        self.click(button).await?;
        self.find("body > [data-testid=print-sheet]").await?;
        let mut sheet = self
            .read_page(
                "return { printed: window.__printed,\
                   rows: [...document.querySelectorAll('[data-testid=print-sheet] [data-testid=print-row]')]\
                     .map(r => [...r.querySelectorAll('td')].map(td => td.innerText.trim())) };",
                vec![],
            )
            .await?;
        if sheet["printed"] != 1 {
            return Err(
                format!("the print dialog was asked for {} times", sheet["printed"]).into(),
            );
        }
        self.read_page("window.dispatchEvent(new Event('afterprint'));", vec![])
            .await?;
        self.wait_gone("[data-testid=print-sheet]").await?;
        Ok(serde_json::from_value(sheet["rows"].take())?)
    }

    /// Whether the window's layout holds at the text size in use: the page does not scroll
    /// sideways, the header (user, role, jurisdiction, alarms, sync state) is one line, and no
    /// navigation entry is cut off.
    pub async fn check_layout(&self) -> Res<()> {
        let v = self
            .read_page(
                "const d = document.documentElement;
                 const mids = [...document.querySelector('.app-header').children]
                   .map(c => c.getBoundingClientRect())
                   .filter(r => r.height > 0)
                   .map(r => r.top + r.height / 2);
                 const cut = [...document.querySelectorAll('.app-menu .el-menu-item')]
                   .filter(e => e.scrollWidth > e.clientWidth).map(e => e.textContent.trim());
                 return [d.scrollWidth - d.clientWidth, Math.max(...mids) - Math.min(...mids), cut];",
                vec![],
            )
            .await?;
        let overflow = v[0].as_f64().ok_or("overflow")?;
        let spread = v[1].as_f64().ok_or("header spread")?;
        if overflow > 0.0 {
            return Err(format!("the page overflows sideways by {overflow}px").into());
        }
        // Items on one line share their middle (the header centres them); a second line puts
        // its items a line's height lower.
        if spread > 6.0 {
            return Err(format!("the header runs onto a second line ({spread}px apart)").into());
        }
        if let Some(cut) = v[2].as_array().filter(|c| !c.is_empty()) {
            return Err(format!("navigation entries cut off: {cut:?}").into());
        }
        Ok(())
    }

    /// Makes a choice behind the navigation's 显示 button (`css`: a text size or language button in
    /// its panel), then closes the panel so that it covers nothing.
    pub async fn choose_display(&self, css: &str) -> Res<()> {
        self.click("[data-testid=display-settings]").await?;
        self.wait_visible(css).await?;
        self.click(css).await?;
        self.click("[data-testid=display-settings]").await?;
        self.wait_hidden("[data-testid=display-settings-panel]")
            .await?;
        // The panel fades out; a screenshot taken during the fade shows its ghost.
        self.quiet().await
    }

    /// Waits until toasts have faded and no dialog is sliding, for a clean screenshot.
    /// Also waits (up to 3 s) for CSS transitions and finite animations to end: a checker that
    /// reads colours mid-transition (a switch button fading between its states) sees colours
    /// no screen keeps.
    pub async fn quiet(&self) -> Res<()> {
        self.wait_gone(".el-message, .dialog-fade-leave-active, .dialog-fade-enter-active")
            .await?;
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(3) {
            let moving = self
                .read_page(
                    "return document.getAnimations().filter(a => a.playState === 'running' \
                     && isFinite(a.effect?.getComputedTiming().endTime ?? Infinity)).length;",
                    vec![],
                )
                .await?
                .as_u64()
                .unwrap_or(0);
            if moving == 0 {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Ok(())
    }

    /// Signs in on the 同步 page as `user` (the demo password) to the hub at `url`.
    pub async fn sign_in(&self, url: &str, user: &str) -> Res<()> {
        self.click("[data-testid=nav-sync]").await?;
        self.find("[data-testid=sync-signin]").await?;
        self.type_into("[data-testid=sync-hub-url] input", url)
            .await?;
        self.type_into("[data-testid=sync-username] input", user)
            .await?;
        self.type_into("[data-testid=sync-password] input", "casedesk-demo")
            .await?;
        self.click("[data-testid=sync-signin-submit]").await?;
        self.wait_text("[data-testid=sync-user]", |t| t.contains(user))
            .await?;
        Ok(())
    }

    /// 立即同步 on the 同步 page; the result line once it has its counts.
    pub async fn sync_now(&self) -> Res<String> {
        self.click("[data-testid=nav-sync]").await?;
        self.click("[data-testid=sync-now]").await?;
        self.wait_text("[data-testid=sync-result]", |t| {
            t.chars().any(|c| c.is_ascii_digit())
        })
        .await
    }

    /// Answers the confirmation box that says `says` with its primary button, and waits until
    /// the box has gone: a box still fading out would otherwise take the next click.
    ///
    /// A click the page never saw is made again ([`Session::click_until_gone`]).
    pub async fn confirm(&self, says: &str) -> Res<()> {
        self.wait_text(".el-message-box", |t| t.contains(says))
            .await?;
        self.click_until_gone(".el-message-box .el-button--primary", ".el-message-box")
            .await
    }

    /// Clicks `button` and waits until `gone` has left the page. WebKitWebDriver now and then
    /// reports a click as done while the page never saw it (seen on message boxes and the batch
    /// dialog's OK, about one run in ten): still there after 3 s, the button is clicked again.
    /// Only for a button that cannot act twice (a box takes its first answer; a loading button
    /// ignores clicks until it is gone).
    pub async fn click_until_gone(&self, button: &str, gone: &str) -> Res<()> {
        self.click_until(button, AfterClick::Gone(gone)).await
    }

    /// Clicks `button` and waits until `shown` is visible: the same lost click, for a button
    /// that opens a dialog. Clicked again only after 5 s with nothing shown (a dialog opens in
    /// well under one), so a second click never lands on an open dialog's overlay.
    pub async fn click_until_visible(&self, button: &str, shown: &str) -> Res<()> {
        self.click_until(button, AfterClick::Shown(shown)).await
    }

    /// Clicks `button` up to three times, each time waiting its patience for `after`, then
    /// waits for it as usual (which fails with the evidence).
    async fn click_until(&self, button: &str, after: AfterClick<'_>) -> Res<()> {
        let patience = after.patience();
        for attempt in 0..3 {
            if attempt > 0 {
                eprintln!(
                    "{button}: {} {} s after the click; again",
                    after.not_yet(),
                    patience.as_secs()
                );
            }
            self.click(button).await?;
            let clicked = Instant::now();
            while clicked.elapsed() < patience {
                if self.reached(after).await? {
                    return Ok(());
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
        match after {
            AfterClick::Gone(css) => self.wait_gone(css).await,
            AfterClick::Shown(css) => self.wait_visible(css).await,
        }
    }

    /// Whether the page is as `after` waits for, now.
    async fn reached(&self, after: AfterClick<'_>) -> Res<bool> {
        Ok(match after {
            AfterClick::Gone(css) => self.count(css).await? == 0,
            AfterClick::Shown(css) => self.visible(css).await?,
        })
    }

    /// On an open review (大件运输): marks every checklist item met (符合).
    pub async fn mark_every_item_met(&self) -> Res<()> {
        self.find("[data-testid=review-checklist]").await?;
        let items = self.texts("[data-testid=review-met]").await?;
        for i in 0..items.len() {
            self.click(&format!(
                ".review-item:nth-child({}) [data-testid=review-met]",
                i + 1
            ))
            .await?;
        }
        Ok(())
    }

    /// On an open review: 通过, confirmed (it cannot be changed), then back to the list.
    pub async fn pass_review_and_go_back(&self) -> Res<()> {
        self.click("[data-testid=review-pass]").await?;
        self.confirm("不能修改").await?;
        self.wait_text("[data-testid=review-verdict]", |t| t.contains("通过"))
            .await?;
        self.click("[data-testid=review-back]").await?;
        self.wait_gone("[data-testid=review-panel]").await?;
        self.find("[data-testid=oversize-view]").await?;
        Ok(())
    }

    /// 日结 on the 大件运输 page: it asks first (it cannot be undone), then the desk verifies the
    /// revealed draw.
    pub async fn close_permit_day(&self) -> Res<()> {
        self.click("[data-testid=oversize-close]").await?;
        self.confirm("不能撤销").await?;
        self.wait_text("[data-testid=oversize-verification]", |t| {
            t.contains("核验通过")
        })
        .await?;
        // The list reloads once the verification shows; its rows carry the draw only after.
        self.find("[data-testid=oversize-table]:not([aria-busy=true])")
            .await?;
        Ok(())
    }

    pub async fn screenshot(&self, name: &str) -> Res<PathBuf> {
        let png = self.client.screenshot().await?;
        let path = artifacts_dir().join(name);
        std::fs::write(&path, png)?;
        Ok(path)
    }
}

/// A minimal valid PNG (1x1 pixel), for attaching real evidence.
pub fn tiny_png() -> Vec<u8> {
    let mut v = b"\x89PNG\r\n\x1a\n".to_vec();
    v.extend_from_slice(&[
        0, 0, 0, 13, b'I', b'H', b'D', b'R', 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 0x1f, 0x15,
        0xc4, 0x89, 0, 0, 0, 13, b'I', b'D', b'A', b'T', 0x78, 0x9c, 0x63, 0x60, 0, 0, 0, 2, 0, 1,
        0xe5, 0x27, 0xde, 0xfc, 0, 0, 0, 0, b'I', b'E', b'N', b'D', 0xae, 0x42, 0x60, 0x82,
    ]);
    v
}

/// CRC-32 (IEEE), as PNG chunks carry it.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A real RGB photo-sized PNG (`w` x `h`, a colour gradient with a grid), large enough that
/// zooming means something. Written with stored (uncompressed) deflate blocks, which every
/// decoder reads.
pub fn photo_png(w: u32, h: u32) -> Vec<u8> {
    let mut raw = Vec::with_capacity(((w * 3 + 1) * h) as usize);
    for y in 0..h {
        raw.push(0); // filter: none
        for x in 0..w {
            let grid = x % 100 == 0 || y % 100 == 0;
            let (r, g, b) = if grid {
                (20, 20, 20)
            } else {
                ((x * 255 / w) as u8, (y * 255 / h) as u8, 160)
            };
            raw.extend_from_slice(&[r, g, b]);
        }
    }
    let mut z = vec![0x78, 0x01];
    let blocks: Vec<&[u8]> = raw.chunks(65_535).collect();
    for (i, block) in blocks.iter().enumerate() {
        z.push(u8::from(i + 1 == blocks.len()));
        let len = block.len() as u16;
        z.extend_from_slice(&len.to_le_bytes());
        z.extend_from_slice(&(!len).to_le_bytes());
        z.extend_from_slice(block);
    }
    let (mut a, mut b) = (1u32, 0u32);
    for &byte in &raw {
        a = (a + u32::from(byte)) % 65_521;
        b = (b + a) % 65_521;
    }
    z.extend_from_slice(&((b << 16) | a).to_be_bytes());
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut chunk = |kind: &[u8], data: &[u8]| {
        png.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let start = png.len();
        png.extend_from_slice(kind);
        png.extend_from_slice(data);
        let crc = crc32(&png[start..]);
        png.extend_from_slice(&crc.to_be_bytes());
    };
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&w.to_be_bytes());
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]); // 8-bit RGB
    chunk(b"IHDR", &ihdr);
    chunk(b"IDAT", &z);
    chunk(b"IEND", &[]);
    png
}

/// A real PDF of `pages` A4 pages, each with a heading ("Page N") and a frame, with a correct
/// cross-reference table.
pub fn small_pdf(pages: usize) -> Vec<u8> {
    let mut objects: Vec<String> = vec![
        "<< /Type /Catalog /Pages 2 0 R >>".into(),
        String::new(), // the page tree, once the pages are numbered
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".into(),
    ];
    let mut kids = Vec::new();
    for n in 1..=pages {
        let content = format!(
            "BT /F1 36 Tf 72 720 Td (Page {n}) Tj ET 4 w 50 50 495 742 re S 72 600 m 520 600 l S"
        );
        let page_id = objects.len() + 1;
        kids.push(format!("{page_id} 0 R"));
        objects.push(format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents {} 0 R >>",
            page_id + 1
        ));
        objects.push(format!(
            "<< /Length {} >>\nstream\n{content}\nendstream",
            content.len()
        ));
    }
    objects[1] = format!(
        "<< /Type /Pages /Kids [{}] /Count {pages} >>",
        kids.join(" ")
    );
    casedesk_media::demo::pdf::assemble(&objects)
}

/// What a click made again ([`Session::click_until_gone`], [`Session::click_until_visible`])
/// waits for.
#[derive(Clone, Copy)]
enum AfterClick<'a> {
    /// The element leaves the page.
    Gone(&'a str),
    /// The element becomes visible.
    Shown(&'a str),
}

impl AfterClick<'_> {
    /// How long a click is given before it is taken as lost: a dialog opens in well under 5 s,
    /// and a second click must not land on its overlay.
    fn patience(self) -> Duration {
        match self {
            AfterClick::Gone(_) => Duration::from_secs(3),
            AfterClick::Shown(_) => Duration::from_secs(5),
        }
    }

    /// What the log says when it has not happened yet.
    fn not_yet(self) -> String {
        match self {
            AfterClick::Gone(css) => format!("{css} is still there"),
            AfterClick::Shown(css) => format!("{css} is not shown"),
        }
    }
}
