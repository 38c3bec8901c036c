//! How long a one-time notice (一次性告知书) takes to typeset, for docs/benchmarks.md:
//! `cargo run --release -p casedesk-papers --example notice_bench [N]`.
//!
//! Three figures: loading the fonts (once per process), the first notice after that, and the
//! median and 95th percentile of N more notices on the shared fonts (each with its own data, so
//! nothing is answered from typst's cache of an identical document).

use std::time::Instant;

use casedesk_papers::{NoticeItem, OneTimeNotice, Typesetter};
use chrono::NaiveDate;

fn notice(i: usize) -> OneTimeNotice {
    let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date");
    OneTimeNotice {
        service_point: "长垣市大件运输申报服务点".into(),
        notice_no: format!("〔2026〕DJ2026113000{i:05} 号"),
        application_id: format!("DJ2026113000{i:05}"),
        carrier: "长垣市宏达重型运输有限公司".into(),
        carrier_credit_id: "91410783MA9XL0HJ8A".into(),
        tractor_plate: "豫GA1234".into(),
        trailer_plate: "豫GB567挂".into(),
        goods: format!("110kV 油浸式变压器（第 {i} 台）"),
        received_on: d("2026-11-30"),
        notice_due: d("2026-12-07"),
        issued_on: d("2026-12-01"),
        reviewer: "chen.jing".into(),
        decided_at: "2026-12-01 10:15".into(),
        items: (0..6)
            .map(|k| NoticeItem {
                text: format!(
                    "第 {k} 项：测量视频未显示卷尺实测车货总体长、宽、高，请重新测量并拍摄卷尺读数"
                ),
                remark: (k % 2 == 0).then(|| format!("{:02}:{:02}.500 处读数不清", k, i % 60)),
            })
            .collect(),
    }
}

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(50);
    let t = Instant::now();
    let ts = Typesetter::shared().expect("fonts-noto-cjk (scripts/setup.sh)");
    let load = t.elapsed();
    let t = Instant::now();
    let first = ts.notice_pdf(&notice(0)).expect("pdf");
    let first_ms = t.elapsed().as_secs_f64() * 1000.0;
    let mut ms: Vec<f64> = (1..=n)
        .map(|i| {
            let t = Instant::now();
            let pdf = ts.notice_pdf(&notice(i)).expect("pdf");
            assert!(pdf.starts_with(b"%PDF-"));
            t.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    ms.sort_by(|a, b| a.total_cmp(b));
    let pct = |p: f64| ms[((ms.len() as f64 - 1.0) * p).round() as usize];
    println!(
        "fonts loaded once: {:.0} ms; first notice {first_ms:.0} ms ({} bytes); {n} more: median {:.1} ms, p95 {:.1} ms, max {:.1} ms",
        load.as_secs_f64() * 1000.0,
        first.len(),
        pct(0.5),
        pct(0.95),
        pct(1.0)
    );
}
