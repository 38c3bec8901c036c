//! English all the way, and accessible, in the real window:
//! the window is switched to English; the inbox, an order's drawer, a refused action (the CLI
//! claims the order under the window, whose own claim is then refused) and the whitelist page
//! show no Chinese interface text and no Rust names. Data (plates, enterprises, places, names,
//! typed reasons) is marked `data-content="data"` and stays as it is. On each screen axe-core
//! (injected from ui/node_modules) finds no serious or critical violation, colour contrast
//! and accessible names included.
//! Screenshots (English, 100 %): inbox, drawer with the refusal, whitelist page.

use std::path::PathBuf;

use casedesk_e2e::{cli, cli_json, Res, Session};

const INBOX: &str = "[data-testid=inbox-view]";

/// Visible text and labels on the page that are Chinese or look like Rust names, outside data.
/// A node counts when it is rendered (has a box) and is not inside `[data-content=data]`, a
/// part marked as another language (`lang="zh-CN"`, the language switch's 中文) or hidden.
const LEAKS: &str = r#"
const cjk = /[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]/;
// CamelCase words such as CountyOfficer or SpotCheckPass; the product's name is not one.
const rust = /\b(?!CaseDesk\b)[A-Z][a-z]+(?:[A-Z][a-z]+)+\b/;
const skip = (el) => !el || el.closest('[data-content="data"], [lang|="zh"], script, style, [aria-hidden="true"]')
  || el.getClientRects().length === 0;
const out = [];
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
while (walker.nextNode()) {
  const n = walker.currentNode;
  const t = n.textContent.trim();
  if (!t || skip(n.parentElement)) continue;
  if (cjk.test(t) || rust.test(t)) out.push(`text: ${t.slice(0, 120)} <${n.parentElement.tagName.toLowerCase()} class="${n.parentElement.className}">`);
}
for (const el of document.body.querySelectorAll('[placeholder], [title], [aria-label]')) {
  if (skip(el)) continue;
  for (const a of ['placeholder', 'title', 'aria-label']) {
    const v = el.getAttribute(a);
    if (v && (cjk.test(v) || rust.test(v))) out.push(`${a}: ${v.slice(0, 120)} <${el.tagName.toLowerCase()}>`);
  }
}
return out;
"#;

fn axe_source() -> Res<String> {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../ui/node_modules/axe-core/axe.min.js");
    std::fs::read_to_string(&path)
        .map_err(|e| format!("{} (run npm ci in ui/): {e}", path.display()).into())
}

/// Runs axe-core on the page; the serious and critical violations, one line each.
async fn axe(s: &Session, axe_js: &str) -> Res<Vec<String>> {
    let loaded = s
        .client
        .execute(
            &format!("{axe_js}\n;return typeof window.axe === 'object';"),
            vec![],
        )
        .await?;
    assert_eq!(
        loaded,
        serde_json::Value::Bool(true),
        "axe-core did not load"
    );
    let found = s
        .client
        .execute_async(
            r#"const done = arguments[arguments.length - 1];
axe.run(document, { resultTypes: ['violations'] })
  .then((r) => done(JSON.stringify(r.violations)))
  .catch((e) => done('error: ' + e));"#,
            vec![],
        )
        .await?;
    let text = found.as_str().ok_or("axe answered nothing")?;
    let violations: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("axe: {text}: {e}"))?;
    let mut out = Vec::new();
    for v in violations.as_array().into_iter().flatten() {
        let impact = v["impact"].as_str().unwrap_or("");
        if impact != "serious" && impact != "critical" {
            continue;
        }
        for n in v["nodes"].as_array().into_iter().flatten().take(6) {
            out.push(format!(
                "{impact} {}: {} at {} — {}",
                v["id"].as_str().unwrap_or(""),
                v["help"].as_str().unwrap_or(""),
                n["target"],
                n["failureSummary"]
                    .as_str()
                    .unwrap_or("")
                    .replace('\n', " ")
            ));
        }
    }
    Ok(out)
}

/// What is wrong on the screen: Chinese interface text, Rust names, axe-core's serious and
/// critical violations (collected over all screens, so one run shows everything).
async fn check_screen(
    s: &Session,
    axe_js: &str,
    screen: &str,
    problems: &mut Vec<String>,
) -> Res<()> {
    let leaks = s.client.execute(LEAKS, vec![]).await?;
    let leaks: Vec<String> = serde_json::from_value(leaks)?;
    problems.extend(
        leaks
            .into_iter()
            .map(|l| format!("{screen}: not English: {l}")),
    );
    let violations = axe(s, axe_js).await?;
    problems.extend(violations.into_iter().map(|v| format!("{screen}: axe {v}")));
    Ok(())
}

#[tokio::test]
async fn english_screens_have_no_chinese_interface_text_and_pass_axe() -> Res<()> {
    let axe_js = axe_source()?;
    let mut problems = Vec::new();
    let home = tempfile::tempdir()?;
    let data = home.path().join("casedesk");
    cli(&data, &["demo", "--orders", "400"])?;
    let page = cli_json(&data, &["list", "--status", "pending", "--page-size", "50"])?;
    let row = page["rows"]
        .as_array()
        .and_then(|rows| rows.iter().find(|r| r["whitelisted"] == false))
        .ok_or("no pending order in the demo data")?
        .clone();
    let order_no = row["order_no"].as_str().ok_or("order_no")?.to_string();
    let plate = row["plate"].as_str().ok_or("plate")?.to_string();

    let s = Session::start(home.path()).await?;
    s.find("[data-testid=inbox-row]").await?;
    s.choose_display("[data-testid=language-switch] label:nth-child(2)")
        .await?;
    s.wait_text("[data-testid=nav-orders]", |t| t.contains("Work orders"))
        .await?;
    s.quiet().await?;
    check_screen(&s, &axe_js, "inbox", &mut problems).await?;
    s.check_layout().await?;
    s.screenshot("english-inbox.png").await?;

    // The drawer of a pending order.
    s.search(INBOX, &plate).await?;
    s.open_row_with(INBOX, &order_no).await?;
    s.drawer_settled().await?;
    s.wait_text("[data-testid=order-status]", |t| t.contains("Unclaimed"))
        .await?;
    check_screen(&s, &axe_js, "drawer", &mut problems).await?;

    // Another process claims it under the window; the window's claim is refused, in English,
    // with the catalogue's names of the state, the action and the role.
    cli(&data, &["claim", &order_no])?;
    s.click("[data-testid=action-claim]").await?;
    let msg = s.wait_text(".el-message--error", |t| !t.is_empty()).await?;
    assert!(
        msg.contains("the order is \"Claimed\"")
            && msg.contains("\"Claim\" is not open to the role \"County officer\""),
        "{msg}"
    );
    assert!(
        !msg.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "Chinese in the English refusal: {msg}"
    );
    for rust_name in ["CountyOfficer", "Claimed {", "Pending", "NotAllowed"] {
        assert!(!msg.contains(rust_name), "{msg}");
    }
    s.screenshot("english-drawer-refused.png").await?;
    s.wait_text("[data-testid=order-status]", |t| t.contains("Claimed"))
        .await?;
    s.quiet().await?;
    check_screen(&s, &axe_js, "drawer after the refusal", &mut problems).await?;
    s.close_drawer().await?;

    // The whitelist page: kinds, statuses and the system's own reasons in English.
    s.click("[data-testid=nav-whitelist]").await?;
    s.find("[data-testid=whitelist-row], [data-testid=whitelist-empty]")
        .await?;
    s.quiet().await?;
    check_screen(&s, &axe_js, "whitelist", &mut problems).await?;
    s.screenshot("english-whitelist.png").await?;
    s.stop().await?;
    assert!(
        problems.is_empty(),
        "{} problems on the English screens:\n{}",
        problems.len(),
        problems.join("\n")
    );
    Ok(())
}
