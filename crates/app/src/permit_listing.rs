//! The day's oversized-cargo applications as the permit desk reads them in Chinese, a text per
//! fact: `casedesk-cli permit applications` prints its lines from these texts and the 大件运输
//! page's 导出Excel fills its columns with them, so the two never say a fact differently.

use std::path::Path;

use casedesk_domain::permit::Acceptance;
use casedesk_papers::Column;

use crate::desk::Desk;
use crate::error::AppError;
use crate::export::{write_list, ExportSummary};
use crate::permit_day::{ApplicationView, Sampled};

/// One application's facts in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplicationZh {
    /// 类别: "二类（省内，5 个工作日）", or 未超限.
    pub class: String,
    /// 办理时限: the due day and what is left, a pause, or the one-time notice due.
    pub clock: String,
    /// 材料: complete (with the number of files) or what is missing.
    pub materials: String,
    /// 信用+申报: not asked for, usable or not.
    pub fast_track: &'static str,
    /// The carrier's credit as the application arrived.
    pub standing: String,
    /// 抽查: drawn at random or on top, not taken, or not drawn yet.
    pub sampled: &'static str,
    /// Why it is drawn on top of the random draw ("" when that is not the story).
    pub on_top: String,
    /// 审核结论 ("" before a verdict).
    pub verdict: &'static str,
}

impl ApplicationZh {
    pub fn of(a: &ApplicationView) -> ApplicationZh {
        let class = match (a.classification.class, a.classification.time_limit_days) {
            (Some(c), Some(days)) => {
                format!("{}（{}，{days} 个工作日）", c.name_zh(), a.route.name_zh())
            }
            _ => "未超限".to_string(),
        };
        let clock = match (&a.time_limit, &a.acceptance) {
            (Some(t), _) => match (t.due, t.days_left) {
                (Some(due), Some(left)) if left >= 0 => {
                    format!("{due} 到期，剩余 {left} 个工作日")
                }
                (Some(due), Some(left)) => format!("{due} 到期，逾期 {} 个工作日", -left),
                _ => match t.open_pause() {
                    Some(p) => format!("{}暂停计时（自 {} 起）", p.reason.name_zh(), p.from),
                    None => "暂停计时".to_string(),
                },
            },
            (None, Acceptance::NoticeDue { notice_due }) => {
                format!("材料不全：一次性告知书 {notice_due} 前送达")
            }
            _ => String::new(),
        };
        let missing: Vec<&str> = a.missing.iter().map(|m| m.name_zh).collect();
        let materials = if missing.is_empty() {
            format!("材料齐全（{} 个文件）", a.materials.len())
        } else {
            format!("缺 {} 项：{}", missing.len(), missing.join("、"))
        };
        let fast_track = match (a.fast_track.requested, a.fast_track.eligible) {
            (false, _) => "普通申报",
            (true, true) => "信用+申报：可用",
            (true, false) => "信用+申报：不可用",
        };
        let standing = match a.carrier_standing {
            None => "无平台信用记录".to_string(),
            Some(s) => format!(
                "{}未修复行政处罚 {} 起",
                s.credit_code
                    .map(|c| format!("{}，", c.name_zh()))
                    .unwrap_or_default(),
                s.unrepaired_penalties
            ),
        };
        let sampled = match a.sampled {
            Sampled::NotDrawn => "未抽取（日结后抽取）",
            Sampled::Random => "抽查（随机）",
            Sampled::OnTop => "抽查（加抽）",
            Sampled::NotTaken => "未抽中",
        };
        // The on-top reasons matter while the day is open and for those added on top.
        let on_top: Vec<&str> = a.on_top.iter().map(|r| r.name_zh()).collect();
        let on_top =
            if on_top.is_empty() || matches!(a.sampled, Sampled::Random | Sampled::NotTaken) {
                String::new()
            } else {
                format!("加抽理由：{}", on_top.join("、"))
            };
        ApplicationZh {
            class,
            clock,
            materials,
            fast_track,
            standing,
            sampled,
            on_top,
            verdict: a.verdict.as_ref().map_or("", |v| v.verdict.name_zh()),
        }
    }
}

/// The 大件运输 workbook's columns.
const APPLICATION_COLUMNS: [Column; 20] = [
    ("申报号", 20.0),
    ("申报时间", 17.0),
    ("承运人", 30.0),
    ("货物", 22.0),
    ("牵引车", 12.0),
    ("挂车", 12.0),
    ("轴数", 6.0),
    ("高(mm)", 8.0),
    ("宽(mm)", 8.0),
    ("长(mm)", 8.0),
    ("总质量(kg)", 11.0),
    ("类别", 24.0),
    ("办理时限", 30.0),
    ("材料", 40.0),
    ("信用+申报", 16.0),
    ("信用记录", 26.0),
    ("抽查", 18.0),
    ("加抽理由", 24.0),
    ("审核结论", 10.0),
    ("审核人", 10.0),
];

impl Desk {
    /// 导出Excel of the 大件运输 page: the service point's applications of `day` (today when
    /// None), in the page's order, with the texts the CLI prints.
    pub fn export_permit_xlsx(
        &self,
        day: Option<&str>,
        path: &Path,
    ) -> Result<ExportSummary, AppError> {
        write_list(path, "大件运输", &APPLICATION_COLUMNS, |book| {
            for a in &self.permit_applications(day)? {
                let zh = ApplicationZh::of(a);
                let v = &a.vehicle;
                book.push(&[
                    &a.application_id,
                    &a.received_at,
                    &a.carrier_name,
                    &a.goods,
                    &a.tractor_plate,
                    &a.trailer_plate,
                    &v.axles.to_string(),
                    &v.height_mm.to_string(),
                    &v.width_mm.to_string(),
                    &v.length_mm.to_string(),
                    &v.total_mass_kg.to_string(),
                    &zh.class,
                    &zh.clock,
                    &zh.materials,
                    zh.fast_track,
                    &zh.standing,
                    zh.sampled,
                    &zh.on_top,
                    zh.verdict,
                    a.verdict.as_ref().map_or("", |v| v.decided_by.as_str()),
                ])?;
            }
            Ok(())
        })
    }
}
