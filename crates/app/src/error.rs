//! The one error type the window and the CLI see: a machine code and a message in Chinese and
//! in English, saying what went wrong and what to do.

use casedesk_domain::{ActionKind, TransitionError};
use casedesk_store::{EvidenceError, StoreError};
use serde::Serialize;
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ErrorCode {
    NotFound,
    RefusedTransition,
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

fn field_zh(field: &str) -> &str {
    match field {
        "result" => "处置结果",
        "requirement" => "整改要求",
        "description" => "整改情况",
        "to_unit" => "转办单位",
        _ => field,
    }
}

impl From<TransitionError> for AppError {
    fn from(e: TransitionError) -> AppError {
        use TransitionError as T;
        let en = e.to_string();
        match e {
            T::NotAllowed { from, action, .. } => AppError::new(
                ErrorCode::RefusedTransition,
                format!(
                    "工单当前为“{}”，不能{}。请刷新后按当前状态办理。",
                    from.name_zh(),
                    action.name_zh()
                ),
                format!("{en}. Refresh and act on the order's current state."),
            ),
            T::NotClaimant { claimant, .. } => AppError::new(
                ErrorCode::RefusedTransition,
                format!("该工单已由{claimant}认领，只有认领人可以办理。"),
                en,
            ),
            T::Whitelisted { plate, reason } => AppError::new(
                ErrorCode::Whitelisted,
                format!(
                    "车辆{plate}在白名单内（{reason}），原则上不予布控拦截。请选择其他处置方式。"
                ),
                format!("{en}. Choose another handling method."),
            ),
            T::ReasonRequired { action } => AppError::new(
                ErrorCode::ReasonRequired,
                format!("{}必须填写原因。", action_zh(action)),
                en,
            ),
            T::DeadlineInPast { deadline, today } => AppError::new(
                ErrorCode::DeadlinePast,
                format!("整改期限 {deadline} 早于今天（{today}），请选择今天或以后的日期。"),
                format!("{en}. Choose today or a later date."),
            ),
            T::NoRectificationRecorded => AppError::new(
                ErrorCode::RefusedTransition,
                "已下达整改要求，请先记录整改情况再提交抽查。",
                format!("{en}. Record the rectification first."),
            ),
            T::Empty { field } => AppError::new(
                ErrorCode::InvalidInput,
                format!("请填写{}。", field_zh(field)),
                en,
            ),
        }
    }
}

fn action_zh(a: ActionKind) -> &'static str {
    a.name_zh()
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> AppError {
        let en = e.to_string();
        match e {
            StoreError::Refused(t) => t.into(),
            StoreError::OrderNotFound(key) => {
                AppError::new(ErrorCode::NotFound, format!("找不到工单 {key}。"), en)
            }
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
