//! The inbox's values as an officer reads them in Chinese, shared by the CLI and the workbook.

use casedesk_domain::{ClockOwner, TimeLeft};

/// "35 分钟", "1 小时 20 分", "6 天 8 小时".
pub fn span_zh(minutes: i64) -> String {
    match minutes {
        m if m < 60 => format!("{m} 分钟"),
        m if m < 24 * 60 => format!("{} 小时 {} 分", m / 60, m % 60),
        m => format!("{} 天 {} 小时", m / (24 * 60), m % (24 * 60) / 60),
    }
}

/// "剩余 1 小时 20 分", "超时 35 分钟", "剩余 2 个工作日", "今日到期", "逾期 3 个工作日".
pub fn time_left_zh(t: Option<TimeLeft>) -> String {
    match t {
        None => "—".into(),
        Some(TimeLeft::Minutes(m)) if m >= 0 => format!("剩余 {}", span_zh(m)),
        Some(TimeLeft::Minutes(m)) => format!("超时 {}", span_zh(-m)),
        Some(TimeLeft::WorkingDays(0)) => "今日到期".into(),
        Some(TimeLeft::WorkingDays(d)) if d > 0 => format!("剩余 {d} 个工作日"),
        Some(TimeLeft::WorkingDays(d)) => format!("逾期 {} 个工作日", -d),
    }
}

/// Whose turn it is, in words.
pub fn owner_zh(owner: Option<ClockOwner>) -> &'static str {
    match owner {
        Some(ClockOwner::Officer) => "执法人员",
        Some(ClockOwner::Enterprise) => "企业",
        Some(ClockOwner::Supervisor) => "监管负责人",
        Some(ClockOwner::Authority) => "抄告单位",
        None => "—",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_like_the_window() {
        assert_eq!(
            time_left_zh(Some(TimeLeft::Minutes(80))),
            "剩余 1 小时 20 分"
        );
        assert_eq!(time_left_zh(Some(TimeLeft::Minutes(-35))), "超时 35 分钟");
        assert_eq!(time_left_zh(Some(TimeLeft::WorkingDays(0))), "今日到期");
        assert_eq!(
            time_left_zh(Some(TimeLeft::WorkingDays(-3))),
            "逾期 3 个工作日"
        );
        assert_eq!(owner_zh(None), "—");
    }
}
