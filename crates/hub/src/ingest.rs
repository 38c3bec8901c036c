//! Ingest: the provincial platform's alarms and violations become work orders. Each record is
//! checked on its own (catalog code, county, time, plate, place, enterprise and driver facts);
//! a good one is opened with the domain's `OrderState::open` in its county, with the catalog's
//! category and clock, exactly as the demo and the desk open orders, and stored under its alarm
//! id so that the same alarm sent twice makes one order. The vehicle's whitelist entry in force
//! is reported with the new order: the domain keeps whitelisted vehicles from interception
//! (without a supervisor's written override) when an officer acts, not by dropping the clue.
//!
//! Two ways in, one rule: `POST /api/v1/ingest` (an administrator's token: the platform's
//! account, docs/decisions.md) and `casedesk-hub ingest FILE.csv` on the hub's machine.

use axum::extract::State;
use axum::Json;
use casedesk_domain::credit_id::is_valid_credit_id;
use casedesk_domain::text::{self, TextField};
use casedesk_domain::{plate, Catalog, Divisions, Industry, OrderState, Role, WhitelistKind};
use casedesk_wire::{
    DriverFacts, EnterpriseFacts, IngestRecord, IngestRequest, IngestResponse, IngestResult,
    OrderFacts, OrderStateWire, MAX_INGEST_BATCH,
};
use chrono::{Duration, NaiveDateTime, Timelike};
use thiserror::Error;

use crate::api::{ApiError, ApiJson, AppState};
use crate::auth::AuthUser;
use crate::jurisdiction::Jurisdiction;
use crate::storage::{AlarmOrder, HubStore, Ingested, StoreError};

/// The CSV columns, as `casedesk-hub ingest` reads them (by header name, in any order; the
/// first six must be present, the others may be left out).
pub const CSV_COLUMNS: [&str; 12] = [
    "alarm_id",
    "violation_code",
    "plate",
    "detected_at",
    "place",
    "county_code",
    "enterprise_name",
    "enterprise_credit_id",
    "enterprise_industry",
    "enterprise_credit_score",
    "driver_name",
    "driver_phone",
];
const REQUIRED_COLUMNS: usize = 6;

/// How far ahead of the hub's clock a detection time may be (clocks drift a little).
const FUTURE_SLACK_MINUTES: i64 = 10;

/// Who posts: the audit names them, and records outside their jurisdiction are refused.
#[derive(Debug, Clone)]
pub struct Poster {
    pub username: String,
    pub device_id: String,
    pub scope: Jurisdiction,
}

/// A record to ingest, or a CSV row that could not be read as one.
#[derive(Debug, Clone)]
pub enum Input {
    Record {
        line: Option<u64>,
        record: Box<IngestRecord>,
    },
    Unreadable {
        line: u64,
        alarm_id: String,
        reason: String,
    },
}

/// Why a record is refused: a machine code and the reason in both languages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub code: &'static str,
    pub zh: String,
    pub en: String,
}

fn refuse(code: &'static str, zh: String, en: String) -> Refusal {
    Refusal { code, zh, en }
}

/// A CSV file that cannot be ingested at all (nothing is changed).
#[derive(Debug, Error, PartialEq, Eq)]
pub enum CsvFileError {
    #[error("the file has no header line")]
    Empty,
    #[error("line {line}: the header cannot be read: {reason}")]
    BadHeader { line: u64, reason: String },
    #[error("unknown column {0:?} in the header (columns: {cols})", cols = CSV_COLUMNS.join(","))]
    UnknownColumn(String),
    #[error("column {0:?} appears twice in the header")]
    RepeatedColumn(String),
    #[error("the header lacks column {0:?}")]
    MissingColumn(&'static str),
}

/// The number of an order made from an alarm: `GD`, the day of detection, and the order's
/// change number (unique on the hub) in 7 digits.
pub fn order_no(detected_at: &str, seq: i64) -> String {
    let day: String = detected_at
        .chars()
        .filter(char::is_ascii_digit)
        .take(8)
        .collect();
    format!("GD{day}{seq:07}")
}

/// What the audit row of an ingested order records after the change.
pub fn audit_after(alarm: &AlarmOrder, whitelisted: Option<WhitelistKind>) -> serde_json::Value {
    serde_json::json!({
        "alarm_id": alarm.alarm_id,
        "facts": alarm.facts,
        "state": OrderStateWire::from(&alarm.state),
        "whitelisted": whitelisted.map(WhitelistKind::code),
    })
}

fn field(value: &str) -> Option<&str> {
    Some(value.trim()).filter(|v| !v.is_empty())
}

/// Detection time, `YYYY-MM-DD HH:MM` (seconds accepted and dropped).
fn detection_time(value: &str) -> Option<NaiveDateTime> {
    let v = value.trim();
    NaiveDateTime::parse_from_str(v, "%Y-%m-%d %H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(v, "%Y-%m-%d %H:%M:%S"))
        .ok()
        .and_then(|t| t.with_second(0))
}

/// A text field refused by the domain's text rule, named as the platform knows it.
fn text_refusal(code: &'static str, what_zh: &str, what_en: &str, e: text::TextError) -> Refusal {
    let (zh, en) = match e {
        text::TextError::Empty { .. } => {
            (format!("{what_zh}为空"), format!("the {what_en} is empty"))
        }
        text::TextError::TooLong { len, max, .. } => (
            format!("{what_zh}有 {len} 个字符，超过 {max} 个字符的上限"),
            format!("the {what_en} is {len} characters long, over the limit of {max}"),
        ),
        text::TextError::ControlCharacter { code, .. } => (
            format!("{what_zh}含控制字符（U+{code:04X}）"),
            format!("the {what_en} contains a control character (U+{code:04X})"),
        ),
    };
    refuse(code, zh, en)
}

/// Checks one record and opens its order; the first problem found refuses it.
pub fn check(
    r: &IngestRecord,
    scope: &Jurisdiction,
    now: NaiveDateTime,
) -> Result<(String, OrderFacts, OrderState), Refusal> {
    let alarm_id = field(&r.alarm_id).ok_or_else(|| {
        refuse(
            "missing_alarm_id",
            "缺少平台报警编号".into(),
            "the platform's alarm id is missing".into(),
        )
    })?;
    if alarm_id.chars().count() > 64 || alarm_id.chars().any(char::is_control) {
        return Err(refuse(
            "bad_alarm_id",
            "平台报警编号过长或含控制字符（最多 64 个字符）".into(),
            "the alarm id is over 64 characters or holds control characters".into(),
        ));
    }
    let code = r.violation_code.trim();
    let violation = Catalog::embedded().get(code).ok_or_else(|| {
        refuse(
            "unknown_violation",
            format!("违法类型代码 {code} 不在违法违规类型目录中"),
            format!("violation code {code:?} is not in the catalog"),
        )
    })?;
    let plate = plate::normalize(r.plate.trim());
    if plate.is_empty() {
        return Err(refuse(
            "empty_plate",
            "车牌号为空".into(),
            "the plate is empty".into(),
        ));
    }
    let plate_len = plate.chars().count();
    if !(6..=10).contains(&plate_len) || !plate.chars().all(char::is_alphanumeric) {
        return Err(refuse(
            "bad_plate",
            format!("车牌号 {plate} 格式不正确"),
            format!("the plate {plate:?} is not a plate"),
        ));
    }
    let detected = detection_time(&r.detected_at).ok_or_else(|| {
        refuse(
            "bad_time",
            format!("发现时间 {} 不是“年-月-日 时:分”格式", r.detected_at.trim()),
            format!(
                "the detection time {:?} is not YYYY-MM-DD HH:MM",
                r.detected_at.trim()
            ),
        )
    })?;
    if detected > now + Duration::minutes(FUTURE_SLACK_MINUTES) {
        return Err(refuse(
            "bad_time",
            format!("发现时间 {} 晚于当前时间", r.detected_at.trim()),
            format!(
                "the detection time {} is in the future",
                r.detected_at.trim()
            ),
        ));
    }
    let county = r.county_code.trim();
    if Divisions::embedded().county(county).is_none() {
        return Err(refuse(
            "unknown_county",
            format!("{county} 不是河南省的县区代码"),
            format!("{county:?} is not a county division code of Henan"),
        ));
    }
    if !scope.covers_county(county) {
        return Err(refuse(
            "outside_jurisdiction",
            format!("县区 {county} 不在您的辖区内"),
            format!("county {county} is outside your jurisdiction"),
        ));
    }
    let place = text::required(TextField::Place, &r.place)
        .map_err(|e| text_refusal("bad_place", "地点", "place", e))?;
    let facts = OrderFacts {
        violation_code: violation.code.clone(),
        plate,
        place,
        detected_at: detected.format("%Y-%m-%d %H:%M").to_string(),
        enterprise: enterprise(r, violation.industry)?,
        driver: driver(r)?,
    };
    let state = OrderState::open(violation, detected, county, crate::push::calendar());
    Ok((alarm_id.to_string(), facts, state))
}

fn enterprise(r: &IngestRecord, default: Industry) -> Result<Option<EnterpriseFacts>, Refusal> {
    let Some(name) = field(&r.enterprise_name) else {
        let others = [
            &r.enterprise_credit_id,
            &r.enterprise_industry,
            &r.enterprise_credit_score,
        ];
        if others.iter().any(|f| field(f).is_some()) {
            return Err(refuse(
                "bad_enterprise",
                "填写了企业信息但缺少企业名称".into(),
                "enterprise details are given without the enterprise's name".into(),
            ));
        }
        return Ok(None);
    };
    let name = text::required(TextField::Owner, name)
        .map_err(|e| text_refusal("bad_enterprise", "企业名称", "enterprise name", e))?;
    let credit_id = match field(&r.enterprise_credit_id) {
        None => None,
        Some(id) => {
            let id = id.to_ascii_uppercase();
            if !is_valid_credit_id(&id) {
                return Err(refuse(
                    "bad_credit_id",
                    format!("统一社会信用代码 {id} 不正确（18 位，校验位须相符）"),
                    format!("{id:?} is not a unified social credit identifier (18 characters with a valid check character)"),
                ));
            }
            Some(id)
        }
    };
    let industry = match field(&r.enterprise_industry) {
        None => default,
        Some(code) => Industry::from_code(code).ok_or_else(|| {
            refuse(
                "unknown_industry",
                format!("行业 {code} 不是 scheduled_coach、charter_coach、hazmat 或 general_freight"),
                format!("industry {code:?} is not scheduled_coach, charter_coach, hazmat or general_freight"),
            )
        })?,
    };
    let credit_score = match field(&r.enterprise_credit_score) {
        None => None,
        Some(s) => Some(
            s.parse::<u32>()
                .ok()
                .filter(|v| *v <= 1000)
                .ok_or_else(|| {
                    refuse(
                        "bad_credit_score",
                        format!("信用分 {s} 不是 0 到 1000 的整数"),
                        format!("the credit score {s:?} is not a whole number from 0 to 1000"),
                    )
                })?,
        ),
    };
    Ok(Some(EnterpriseFacts {
        name,
        credit_id,
        industry,
        credit_score,
    }))
}

fn driver(r: &IngestRecord) -> Result<Option<DriverFacts>, Refusal> {
    let phone = r.driver_phone.trim();
    let Some(name) = field(&r.driver_name) else {
        if !phone.is_empty() {
            return Err(refuse(
                "bad_driver",
                "填写了驾驶员电话但缺少姓名".into(),
                "a driver's phone is given without the driver's name".into(),
            ));
        }
        return Ok(None);
    };
    let name = text::required(TextField::UserName, name)
        .map_err(|e| text_refusal("bad_driver", "驾驶员姓名", "driver's name", e))?;
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    let phone_ok = phone.is_empty()
        || (phone.chars().count() <= 20
            && (5..=15).contains(&digits)
            && phone
                .chars()
                .all(|c| c.is_ascii_digit() || matches!(c, '+' | '-' | ' ')));
    if !phone_ok {
        return Err(refuse(
            "bad_phone",
            format!("驾驶员电话 {phone} 格式不正确"),
            format!("the driver's phone {phone:?} is not a phone number"),
        ));
    }
    Ok(Some(DriverFacts {
        name,
        phone: phone.to_string(),
    }))
}

fn rejected(alarm_id: &str, line: Option<u64>, r: Refusal) -> IngestResult {
    IngestResult::Rejected {
        alarm_id: alarm_id.trim().to_string(),
        line,
        code: r.code.to_string(),
        message_zh: r.zh,
        message_en: r.en,
    }
}

/// Ingests records one by one, each in its own transaction, and answers each in order. A
/// refused record changes nothing; the others still go in. A storage failure stops here (what
/// was ingested before it stays, and posting the batch again answers it `duplicate`).
pub async fn ingest(
    store: &dyn HubStore,
    inputs: Vec<Input>,
    poster: &Poster,
) -> Result<Vec<IngestResult>, StoreError> {
    let mut results = Vec::with_capacity(inputs.len());
    for input in inputs {
        let (line, record) = match input {
            Input::Unreadable {
                line,
                alarm_id,
                reason,
            } => {
                results.push(rejected(
                    &alarm_id,
                    Some(line),
                    refuse(
                        "bad_csv_row",
                        format!("第 {line} 行无法读取：{reason}"),
                        format!("line {line} cannot be read: {reason}"),
                    ),
                ));
                continue;
            }
            Input::Record { line, record } => (line, record),
        };
        let now = crate::clock::beijing_now();
        let (alarm_id, facts, state) = match check(&record, &poster.scope, now) {
            Ok(checked) => checked,
            Err(refusal) => {
                results.push(rejected(&record.alarm_id, line, refusal));
                continue;
            }
        };
        let county_code = state.county_code.clone();
        let outcome = store
            .ingest_order(AlarmOrder {
                alarm_id: alarm_id.clone(),
                facts,
                state,
                by: poster.username.clone(),
                device_id: poster.device_id.clone(),
                now,
            })
            .await?;
        results.push(match outcome {
            Ingested::Created { order, whitelisted } => IngestResult::Created {
                alarm_id,
                order_no: order.order_no,
                county_code,
                whitelisted,
            },
            Ingested::Duplicate { order_no } => IngestResult::Duplicate { alarm_id, order_no },
        });
    }
    Ok(results)
}

/// The records of a CSV file: a header naming the columns, then one alarm per row. A row
/// that cannot be read, or has another number of fields than the header, becomes an
/// [`Input::Unreadable`] with its line; a bad header refuses the whole file.
pub fn csv_inputs(text: &str) -> Result<Vec<Input>, CsvFileError> {
    let mut rows = crate::csv::rows(text).into_iter();
    let header = rows.next().ok_or(CsvFileError::Empty)?;
    let names = header.fields.map_err(|reason| CsvFileError::BadHeader {
        line: header.line,
        reason,
    })?;
    // For each header column, its index in CSV_COLUMNS.
    let mut columns = Vec::with_capacity(names.len());
    for name in &names {
        let name = name.trim();
        let i = CSV_COLUMNS
            .iter()
            .position(|c| *c == name)
            .ok_or_else(|| CsvFileError::UnknownColumn(name.to_string()))?;
        if columns.contains(&i) {
            return Err(CsvFileError::RepeatedColumn(name.to_string()));
        }
        columns.push(i);
    }
    if let Some(missing) = (0..REQUIRED_COLUMNS).find(|i| !columns.contains(i)) {
        return Err(CsvFileError::MissingColumn(CSV_COLUMNS[missing]));
    }
    let alarm_column = columns.iter().position(|i| *i == 0);
    Ok(rows
        .map(|row| match row.fields {
            Ok(fields) if fields.len() == columns.len() => {
                let mut values: [String; 12] = Default::default();
                for (value, i) in fields.into_iter().zip(&columns) {
                    values[*i] = value;
                }
                let [alarm_id, violation_code, plate, detected_at, place, county_code, enterprise_name, enterprise_credit_id, enterprise_industry, enterprise_credit_score, driver_name, driver_phone] =
                    values;
                Input::Record {
                    line: Some(row.line),
                    record: Box::new(IngestRecord {
                        alarm_id,
                        violation_code,
                        plate,
                        detected_at,
                        place,
                        county_code,
                        enterprise_name,
                        enterprise_credit_id,
                        enterprise_industry,
                        enterprise_credit_score,
                        driver_name,
                        driver_phone,
                    }),
                }
            }
            Ok(fields) => Input::Unreadable {
                line: row.line,
                alarm_id: alarm_column
                    .and_then(|i| fields.get(i).cloned())
                    .unwrap_or_default(),
                reason: format!(
                    "{} fields where the header has {}",
                    fields.len(),
                    columns.len()
                ),
            },
            Err(reason) => Input::Unreadable {
                line: row.line,
                alarm_id: String::new(),
                reason,
            },
        })
        .collect())
}

#[utoipa::path(
    post,
    path = "/api/v1/ingest",
    request_body = IngestRequest,
    responses(
        (status = 200, description = "One result per record, in order: created, duplicate or rejected", body = IngestResponse),
        (status = 400, description = "Unreadable body or more than 500 records", body = casedesk_wire::ErrorBody),
        (status = 401, description = "No valid access token", body = casedesk_wire::ErrorBody),
        (status = 403, description = "Not an administrator (the platform's account)", body = casedesk_wire::ErrorBody),
        (status = 413, description = "Body over the limit", body = casedesk_wire::ErrorBody),
    ),
    security(("bearer" = [])),
    tag = "ingest"
)]
pub async fn post_ingest(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    ApiJson(req): ApiJson<IngestRequest>,
) -> Result<Json<IngestResponse>, ApiError> {
    if user.role != Role::Administrator {
        return Err(ApiError::NotPermitted {
            zh: "只有管理员（省平台账户）可以推送报警",
            en: "only an administrator (the platform's account) may post alarms",
        });
    }
    if req.records.len() > MAX_INGEST_BATCH {
        return Err(ApiError::bad_request(
            "batch_too_large",
            format!("一次最多推送 {MAX_INGEST_BATCH} 条报警"),
            format!("at most {MAX_INGEST_BATCH} records per ingest"),
        ));
    }
    let poster = Poster {
        username: user.username.clone(),
        device_id: "platform".into(),
        scope: user.jurisdiction.clone(),
    };
    let inputs = req
        .records
        .into_iter()
        .map(|record| Input::Record {
            line: None,
            record: Box::new(record),
        })
        .collect();
    let results = ingest(state.store.as_ref(), inputs, &poster).await?;
    Ok(Json(IngestResponse { results }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_numbers_and_times() {
        assert_eq!(order_no("2026-11-24 08:30", 42), "GD202611240000042");
        let t = detection_time("2026-11-24 08:30:59").expect("with seconds");
        assert_eq!(
            t.format("%Y-%m-%d %H:%M:%S").to_string(),
            "2026-11-24 08:30:00"
        );
        assert!(detection_time("2026-11-24").is_none());
        assert!(detection_time("2026-02-30 08:00").is_none());
    }

    #[test]
    fn a_header_must_name_known_columns_and_the_required_ones() {
        assert_eq!(
            csv_inputs("alarm_id,violation_code,plate,detected_at,place\n").err(),
            Some(CsvFileError::MissingColumn("county_code"))
        );
        assert!(matches!(
            csv_inputs("alarm_id,violation,plate\n"),
            Err(CsvFileError::UnknownColumn(_))
        ));
        assert_eq!(csv_inputs("").err(), Some(CsvFileError::Empty));
        let inputs = csv_inputs(
            "county_code,alarm_id,violation_code,plate,detected_at,place\n410783,A1,KY-001,豫G12345,2026-11-24 08:30,S308\n410783,A2\n",
        )
        .expect("header");
        assert!(matches!(
            &inputs[0],
            Input::Record { line: Some(2), record } if record.alarm_id == "A1" && record.county_code == "410783"
        ));
        assert!(matches!(
            &inputs[1],
            Input::Unreadable { line: 3, alarm_id, .. } if alarm_id == "A2"
        ));
    }
}
