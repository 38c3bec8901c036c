//! 导出Excel: the file holds every order of the query (not only the page), in the list's order,
//! with Chinese headers, read back with calamine and compared with the list.

use calamine::{open_workbook, Reader, Xlsx};
use casedesk_app::{Clock, Desk, ErrorCode, InboxFilter, InboxRow, Lang};
use casedesk_domain::Status;
use chrono::NaiveDate;

fn desk(dir: &std::path::Path, orders: u64) -> Desk {
    let at = NaiveDate::from_ymd_opt(2026, 11, 24)
        .and_then(|d| d.and_hms_opt(9, 30, 0))
        .expect("time");
    let mut desk = Desk::open_with_clock(dir, Clock::Fixed(at)).expect("open");
    desk.load_demo(orders, 7).expect("demo");
    desk
}

/// Every row of the query, page by page, as the window shows them.
fn listed(desk: &Desk, q: &InboxFilter) -> Vec<InboxRow> {
    let mut all = Vec::new();
    for page in 1.. {
        let p = desk
            .list_inbox(&InboxFilter {
                page,
                page_size: 500,
                ..q.clone()
            })
            .expect("page");
        all.extend(p.rows);
        if !p.has_more {
            return all;
        }
    }
    all
}

fn read_back(path: &std::path::Path) -> Vec<Vec<String>> {
    let mut book: Xlsx<_> = open_workbook(path).expect("open the export");
    assert_eq!(book.sheet_names(), ["工单"]);
    let range = book.worksheet_range("工单").expect("sheet");
    range
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect()
}

#[test]
fn the_export_holds_every_matching_order_in_the_lists_order() {
    let dir = tempfile::tempdir().expect("tempdir");
    let desk = desk(&dir.path().join("data"), 1500);
    let q = InboxFilter {
        open_only: true,
        page_size: 50,
        page: 3, // the page shown does not limit the export
        ..Default::default()
    };
    let rows = listed(&desk, &q);
    assert!(rows.len() > 500, "more than a page: {}", rows.len());
    let path = dir.path().join("工单导出.xlsx");
    let mut reports = Vec::new();
    let summary = desk
        .export_xlsx(&q, &path, |n| reports.push(n))
        .expect("export");
    assert_eq!(summary.rows, rows.len() as u64);
    assert_eq!(reports.last(), Some(&summary.rows));
    assert!(!dir.path().join("工单导出.xlsx.part").exists());

    let cells = read_back(&path);
    assert_eq!(
        cells[0],
        casedesk_papers::COLUMNS
            .iter()
            .map(|(h, _)| h.to_string())
            .collect::<Vec<_>>()
    );
    assert_eq!(cells[0][0], "工单号");
    assert_eq!(cells.len(), rows.len() + 1);
    for (r, line) in rows.iter().zip(&cells[1..]) {
        assert_eq!(line[0], r.order_no);
        assert_eq!(line[1], r.status.name_zh());
        assert_eq!(line[2], r.plate);
        if r.licensed {
            assert_eq!(line[3], r.enterprise_name);
        } else {
            assert_eq!(line[3], "无经营许可");
        }
        assert_eq!(line[5], r.violation_name);
        assert_eq!(line[9], r.place);
        assert_eq!(line[10], r.detected_at);
        assert_eq!(
            line[13],
            casedesk_papers::text::time_left_zh(r.time_left),
            "{}",
            r.order_no
        );
        assert_eq!(line[15], if r.whitelisted { "是" } else { "" });
    }

    // A search narrows the export the same way it narrows the list.
    let plate = rows[0].plate.clone();
    let q = InboxFilter {
        search: Some(plate.clone()),
        status: Vec::new(),
        ..q
    };
    let want = listed(&desk, &q);
    let summary = desk.export_xlsx(&q, &path, |_| {}).expect("export");
    assert_eq!(summary.rows, want.len() as u64);
    let cells = read_back(&path);
    assert!(cells[1..].iter().all(|l| l[2] == plate));

    // An empty result is a header-only workbook, not an error.
    let none = InboxFilter {
        status: vec![Status::Pending],
        search: Some("不存在的企业".into()),
        ..Default::default()
    };
    assert_eq!(
        desk.export_xlsx(&none, &path, |_| {}).expect("empty").rows,
        0
    );
    assert_eq!(read_back(&path).len(), 1);
}

#[test]
fn a_missing_folder_is_refused_with_a_message() {
    let dir = tempfile::tempdir().expect("tempdir");
    let desk = desk(&dir.path().join("data"), 10);
    let e = desk
        .export_xlsx(
            &InboxFilter::default(),
            &dir.path().join("没有这个文件夹").join("a.xlsx"),
            |_| {},
        )
        .expect_err("no folder");
    assert_eq!(e.code, ErrorCode::InvalidInput);
    assert!(e.text(Lang::Zh).contains("不存在"), "{}", e.text(Lang::Zh));
}

/// The whitelist's export: every entry of the status asked for, in the page's order, with the
/// names the page shows; an added and a revoked entry among the demo's.
#[test]
fn the_whitelist_export_holds_the_pages_entries_by_their_names() {
    use casedesk_app::Profile;
    use casedesk_domain::{Role, WhitelistKind, WhitelistStatus};
    let dir = tempfile::tempdir().expect("tempdir");
    let mut desk = desk(&dir.path().join("data"), 200);
    desk.set_profile(Profile {
        user_name: "王主任".into(),
        role: Role::Supervisor,
        county_code: "410783".into(),
    })
    .expect("supervisor");
    desk.add_whitelist(
        "豫G12345",
        WhitelistKind::LargeEventRental,
        "博览会接驳",
        Some("2026新乡博览会"),
        Some("2026-11-24"),
        Some("2026-11-27"),
    )
    .expect("added");
    desk.add_whitelist(
        "豫G54321",
        WhitelistKind::EnterpriseSelfUse,
        "企业自有车辆",
        None,
        None,
        None,
    )
    .expect("added");
    desk.revoke_whitelist("豫G54321", "车辆已转让")
        .expect("revoked");

    let path = dir.path().join("白名单.xlsx");
    let listed = desk.whitelist(None, None).expect("list");
    let summary = desk
        .export_whitelist_xlsx(None, None, &path)
        .expect("export");
    assert_eq!(summary.rows, listed.len() as u64);
    let mut book: Xlsx<_> = open_workbook(&path).expect("open the export");
    assert_eq!(book.sheet_names(), ["白名单"]);
    let cells: Vec<Vec<String>> = book
        .worksheet_range("白名单")
        .expect("sheet")
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    assert_eq!(cells[0][..4], ["车牌", "类型", "状态", "今日生效"]);
    let plates: Vec<&str> = cells[1..].iter().map(|l| l[0].as_str()).collect();
    let want: Vec<&str> = listed.iter().map(|r| r.entry.plate.as_str()).collect();
    assert_eq!(plates, want, "the page's order");
    // Proposals, approved, declined, revoked; the revoked entry, the newest, comes last.
    let rank = |s: &str| {
        ["待审批", "已批准", "未批准", "已撤销"]
            .iter()
            .position(|n| *n == s)
    };
    let ranks: Vec<_> = cells[1..]
        .iter()
        .map(|l| rank(&l[2]).expect("a status"))
        .collect();
    assert!(ranks.windows(2).all(|w| w[0] <= w[1]), "{ranks:?}");
    assert_eq!(plates.last(), Some(&"豫G54321"));
    let rental = &cells[1..][want.iter().position(|p| *p == "豫G12345").expect("rental")];
    assert_eq!(
        rental[1..8],
        [
            "大型活动租用车辆",
            "已批准",
            "是",
            "博览会接驳",
            "2026新乡博览会",
            "2026-11-24",
            "2026-11-27"
        ]
    );
    assert_eq!(rental[8], "王主任");
    let revoked = &cells[1..][want.iter().position(|p| *p == "豫G54321").expect("revoked")];
    assert_eq!(revoked[2], "已撤销");
    assert_eq!(revoked[3], "");
    assert_eq!(revoked[10..12], ["王主任", "车辆已转让"]);

    // A status narrows it as it narrows the page.
    let summary = desk
        .export_whitelist_xlsx(Some(WhitelistStatus::Revoked), None, &path)
        .expect("export");
    assert_eq!(summary.rows, 1);
    // A plate narrows the page and its export alike, as typed (lower case, with a dot).
    let found = desk.whitelist(None, Some("g·5432")).expect("by plate");
    assert_eq!(
        found
            .iter()
            .map(|r| r.entry.plate.as_str())
            .collect::<Vec<_>>(),
        ["豫G54321"]
    );
    let summary = desk
        .export_whitelist_xlsx(None, Some("g·5432"), &path)
        .expect("export");
    assert_eq!(summary.rows, 1);
    assert!(desk.whitelist(None, Some("京A")).expect("none").is_empty());
    assert_eq!(
        desk.whitelist(None, Some(" ")).expect("all").len(),
        listed.len()
    );
    let e = desk
        .export_whitelist_xlsx(
            None,
            None,
            &dir.path().join("没有这个文件夹").join("w.xlsx"),
        )
        .expect_err("no folder");
    assert_eq!(e.code, ErrorCode::InvalidInput);
}
