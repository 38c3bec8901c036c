//! The one error type the window and the CLI see: a machine code and a message in Chinese and
//! in English, saying what went wrong and what to do.

use casedesk_domain::text::{TextError, TextField};
use casedesk_domain::whitelist::WhitelistError;
use casedesk_domain::TransitionError;
use casedesk_store::{EvidenceError, StoreError, WhitelistStoreError};
use serde::Serialize;
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ErrorCode {
    NotFound,
    RefusedTransition,
    NotClaimant,
    OutsideJurisdiction,
    Whitelisted,
    DeadlinePast,
    ReasonRequired,
    InvalidInput,
    FileUnreadable,
    FileTooLarge,
    FileTypeMismatch,
    DatabaseLocked,
    DatabaseNewer,
    Storage,
    /// The hub cannot be reached; try again later (nothing was lost).
    Offline,
    /// Wrong user name or password.
    BadCredentials,
    /// Not signed in, or the hub ended the session: sign in again.
    SignInRequired,
    /// The hub refused the request (its reason in the message).
    HubRefused,
    /// The hub answered something this version cannot read.
    HubProtocol,
    /// The OS keyring (or the token file) cannot be used.
    Keyring,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS, thiserror::Error)]
#[error("{message_en}")]
#[ts(export)]
pub struct AppError {
    pub code: ErrorCode,
    pub message_zh: String,
    pub message_en: String,
}

impl AppError {
    pub fn new(code: ErrorCode, zh: impl Into<String>, en: impl Into<String>) -> AppError {
        AppError {
            code,
            message_zh: zh.into(),
            message_en: en.into(),
        }
    }

    pub fn invalid(zh: impl Into<String>, en: impl Into<String>) -> AppError {
        AppError::new(ErrorCode::InvalidInput, zh, en)
    }
}

fn field_zh(field: TextField) -> &'static str {
    match field {
        TextField::Result => "处置结果",
        TextField::Notes => "备注",
        TextField::Requirement => "整改要求",
        TextField::Description => "整改情况",
        TextField::Reason => "原因",
        TextField::ToUnit => "转办单位",
        TextField::Authority => "抄告单位",
        TextField::Content => "抄告内容",
        TextField::Feedback => "反馈情况",
        TextField::Finding => "核查情况",
        TextField::UserName => "用户名",
        TextField::Owner => "车主",
        TextField::EventName => "活动名称",
        TextField::Place => "地点",
        TextField::FilterName => "筛选名称",
    }
}

fn field_en(field: TextField) -> &'static str {
    match field {
        TextField::Result => "the result",
        TextField::Notes => "the notes",
        TextField::Requirement => "the requirement",
        TextField::Description => "the description",
        TextField::Reason => "the reason",
        TextField::ToUnit => "the receiving unit",
        TextField::Authority => "the authority",
        TextField::Content => "the notice",
        TextField::Feedback => "the feedback",
        TextField::Finding => "the finding",
        TextField::UserName => "the user name",
        TextField::Owner => "the owner",
        TextField::EventName => "the event's name",
        TextField::Place => "the place",
        TextField::FilterName => "the filter's name",
    }
}

impl From<TextError> for AppError {
    fn from(e: TextError) -> AppError {
        match e {
            TextError::Empty { field } => AppError::invalid(
                format!("请填写{}。", field_zh(field)),
                format!("Fill in {}.", field_en(field)),
            ),
            TextError::TooLong { field, len, max } => AppError::invalid(
                format!("{}共 {len} 字，超过 {max} 字的上限，请精简。", field_zh(field)),
                format!("{} is {len} characters long; the limit is {max}.", field_en(field)),
            ),
            TextError::ControlCharacter { field, code } => AppError::invalid(
                format!("{}含有不可见的控制字符（U+{code:04X}），请删除后重新输入。", field_zh(field)),
                format!(
                    "{} contains an invisible control character (U+{code:04X}); remove it and type again.",
                    field_en(field)
                ),
            ),
        }
    }
}

impl From<TransitionError> for AppError {
    fn from(e: TransitionError) -> AppError {
        use TransitionError as T;
        let en = e.to_string();
        match e {
            T::NotAllowed { from, action, role } => AppError::new(
                ErrorCode::RefusedTransition,
                format!(
                    "工单当前为“{}”，{}不能执行“{}”。请刷新后按当前状态办理。",
                    from.name_zh(),
                    role.name_zh(),
                    action.name_zh()
                ),
                format!("Refused: {en}. Refresh and act on the order's current state."),
            ),
            T::NotClaimant { claimant, .. } => AppError::new(
                ErrorCode::NotClaimant,
                format!("该工单已由{claimant}认领，只有认领人可以办理。"),
                format!("This order is claimed by {claimant}; only the claimant can act on it."),
            ),
            T::OutsideJurisdiction { order_county, .. } => {
                let name = casedesk_domain::Divisions::embedded()
                    .county(&order_county)
                    .map(|(_, c)| c.name.clone())
                    .unwrap_or(order_county);
                AppError::new(
                    ErrorCode::OutsideJurisdiction,
                    format!("该工单属于{name}，不在您的管辖范围内。"),
                    format!("This order belongs to {name}, outside your jurisdiction."),
                )
            }
            T::Whitelisted { plate, kind } => AppError::new(
                ErrorCode::Whitelisted,
                format!(
                    "车辆{plate}在白名单内（{}），原则上不予布控拦截。确需拦截的，须由监管负责人书面下达布控指令。",
                    kind.name_zh()
                ),
                format!(
                    "Vehicle {plate} is whitelisted ({}); it is not intercepted unless a supervisor orders it in writing.",
                    kind.name_en()
                ),
            ),
            T::NotWhitelisted { plate } => AppError::invalid(
                format!("车辆{plate}不在白名单内，无需下达布控指令。"),
                format!("Vehicle {plate} is not whitelisted; no order is needed."),
            ),
            T::Text(t) => t.into(),
            T::DateInPast { date, today } => AppError::new(
                ErrorCode::DeadlinePast,
                format!("日期 {date} 早于今天（{today}），请选择今天或以后的日期。"),
                format!("The date {date} is before today ({today}); choose today or a later date."),
            ),
            T::DateTooFar { date, latest } => AppError::invalid(
                format!("日期 {date} 超出两年以内的范围（最晚 {latest}），请检查年份。"),
                format!("The date {date} is more than two years ahead (latest {latest}); check the year."),
            ),
            T::NoRectificationRecorded => AppError::new(
                ErrorCode::RefusedTransition,
                "请先记录整改情况再提交抽查（整改中或抽查退回的工单须有新的整改记录）。",
                "Record the rectification first: an order that is rectifying or came back from its spot check needs a new rectification before it is submitted.",
            ),
            T::MethodHasOwnAction { method } => {
                let (zh, en) = if method == "interception" {
                    ("布控拦截请使用“布控拦截”操作记录拦截结果。", "Record an interception with the interception action, with its outcome.")
                } else {
                    ("抄告请使用“抄告”操作，并等待反馈。", "Send a notice with the notice action, which waits for feedback.")
                };
                AppError::invalid(zh, en)
            }
            T::UnknownCounty { code } => AppError::invalid(
                format!("{code} 不是河南省的县区代码。"),
                format!("{code} is not a Henan county code."),
            ),
        }
    }
}

impl From<WhitelistError> for AppError {
    fn from(e: WhitelistError) -> AppError {
        use WhitelistError as W;
        match e {
            W::NotSupervisor => AppError::new(
                ErrorCode::RefusedTransition,
                "只有监管负责人可以审批或调整白名单。",
                "Only a supervisor decides on the whitelist.",
            ),
            W::WrongStatus { action, .. } => AppError::new(
                ErrorCode::RefusedTransition,
                match action {
                    "approved" | "declined" => "该车辆没有待审批的白名单申请。",
                    _ => "该车辆没有有效的白名单记录可撤销。",
                },
                match action {
                    "approved" | "declined" => "This vehicle has no whitelist proposal waiting.",
                    _ => "This vehicle has no whitelist entry in force to revoke.",
                },
            ),
            W::AlreadyListed { plate } => AppError::invalid(
                format!("车辆{plate}已有待审批或有效的白名单记录。"),
                format!("Vehicle {plate} already has a whitelist entry that is proposed or in force."),
            ),
            W::NotAddable { .. } => AppError::invalid(
                "“经2次及以上拦截未发现违法行为的客车”由系统根据拦截记录提出，不能手工添加。",
                "Coaches intercepted twice with nothing found are proposed from their interceptions, not added by hand.",
            ),
            W::EventDetailsRequired => AppError::invalid(
                "大型活动租用车辆须填写活动名称和结束日期。",
                "An event rental needs the event's name and its last day.",
            ),
            W::EndsBeforeItBegins { from, until } => AppError::invalid(
                format!("结束日期 {until} 早于开始日期 {from}。"),
                format!("The end date {until} is before the start date {from}."),
            ),
            W::DateOutOfRange { date, .. } => AppError::invalid(
                format!("日期 {date} 超出前后两年的范围，请检查年份。"),
                format!("The date {date} is more than two years away; check the year."),
            ),
            W::Text(t) => t.into(),
        }
    }
}

impl From<WhitelistStoreError> for AppError {
    fn from(e: WhitelistStoreError) -> AppError {
        match e {
            WhitelistStoreError::Refused(w) => w.into(),
            WhitelistStoreError::Store(s) => s.into(),
        }
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> AppError {
        let en = e.to_string();
        match e {
            StoreError::Refused(t) => t.into(),
            StoreError::OrderNotFound(key) => {
                AppError::new(ErrorCode::NotFound, format!("找不到工单 {key}。"), en)
            }
            StoreError::FilterNotFound(name) => AppError::new(
                ErrorCode::NotFound,
                format!("没有名为“{name}”的常用筛选。"),
                format!("There is no saved filter named “{name}”."),
            ),
            StoreError::Locked => AppError::new(
                ErrorCode::DatabaseLocked,
                "本地缓存正被另一个 CaseDesk 程序使用，请关闭它后重试。",
                en,
            ),
            StoreError::NewerSchema { .. } => AppError::new(
                ErrorCode::DatabaseNewer,
                "本地缓存由更新版本的 CaseDesk 创建，请升级 CaseDesk 后再打开。",
                en,
            ),
            _ => AppError::new(ErrorCode::Storage, format!("本地缓存读写失败：{en}"), en),
        }
    }
}

impl From<EvidenceError> for AppError {
    fn from(e: EvidenceError) -> AppError {
        let en = e.to_string();
        match &e {
            EvidenceError::Unreadable { path, .. } | EvidenceError::NotAFile { path } => {
                AppError::new(
                    ErrorCode::FileUnreadable,
                    format!(
                        "无法读取文件 {}，请确认文件存在且有权限读取。",
                        path.display()
                    ),
                    en,
                )
            }
            EvidenceError::TooLarge { path, limit, .. } => AppError::new(
                ErrorCode::FileTooLarge,
                format!(
                    "文件 {} 超过 {} MB 的大小限制，请压缩后再上传。",
                    path.display(),
                    limit / (1024 * 1024)
                ),
                en,
            ),
            EvidenceError::TypeMismatch { path, ext } => AppError::new(
                ErrorCode::FileTypeMismatch,
                format!(
                    "文件 {} 的扩展名为 .{ext}，但内容不是该类型的文件。",
                    path.display()
                ),
                en,
            ),
            EvidenceError::Unsupported { path } => AppError::new(
                ErrorCode::FileTypeMismatch,
                format!(
                    "{}：只能附加照片（jpg、png、webp）或 PDF 文件。",
                    path.display()
                ),
                en,
            ),
            EvidenceError::Write(_) => {
                AppError::new(ErrorCode::Storage, format!("证据文件保存失败：{en}"), en)
            }
        }
    }
}
