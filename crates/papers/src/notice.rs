//! The one-time notice (一次性告知书) of the permit desk as PDF: every missing material and every
//! checklist item not met, at once, with the notice's due date and what a late notice means.
//!
//! Typeset by typst used as a library (docs/decisions.md): the template is
//! `assets/papers/one-time-notice.typ` (embedded), the data go in as a virtual `/data.json`, so
//! nothing typed by a carrier or a reviewer is ever read as markup. Fonts are loaded once per
//! process ([`Typesetter::shared`]): reading and indexing the Noto CJK collections costs far more
//! than a page's layout (docs/benchmarks.md has the figures).

use std::path::PathBuf;
use std::sync::OnceLock;

use chrono::NaiveDate;
use serde::Serialize;
use thiserror::Error;
use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;

const TEMPLATE: &str = include_str!("../../../assets/papers/one-time-notice.typ");

/// The font files the notice is set in (fonts-noto-cjk, installed by scripts/setup.sh), looked
/// for in `CASEDESK_FONT_DIR` first, then where Debian and Fedora put them.
const FONT_FILES: [&str; 2] = ["NotoSerifCJK-Regular.ttc", "NotoSerifCJK-Bold.ttc"];
const FONT_DIRS: [&str; 3] = [
    "/usr/share/fonts/opentype/noto",
    "/usr/share/fonts/noto-cjk",
    "/usr/share/fonts/google-noto-cjk",
];

#[derive(Debug, Clone, Error, PartialEq, Eq)]
pub enum NoticeError {
    #[error("the font {file} was not found (looked in {dirs}); install fonts-noto-cjk or set CASEDESK_FONT_DIR")]
    FontMissing { file: String, dirs: String },
    #[error("the font file {path} cannot be read: {detail}")]
    FontUnreadable { path: String, detail: String },
    #[error("the notice cannot be typeset: {0}")]
    Typeset(String),
    #[error("the notice has nothing to list")]
    NothingToList,
}

/// One line of the notice: what is missing or defective, and the reviewer's remark.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NoticeItem {
    pub text: String,
    pub remark: Option<String>,
}

/// What a one-time notice says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OneTimeNotice {
    /// The service point's name (长垣市大件运输申报服务点).
    pub service_point: String,
    /// The notice's number, printed under the title.
    pub notice_no: String,
    pub application_id: String,
    pub carrier: String,
    pub carrier_credit_id: String,
    pub tractor_plate: String,
    pub trailer_plate: String,
    pub goods: String,
    pub received_on: NaiveDate,
    /// The last day the notice may be given (5 working days after receipt).
    pub notice_due: NaiveDate,
    pub issued_on: NaiveDate,
    /// Who gave the verdict, and when.
    pub reviewer: String,
    pub decided_at: String,
    pub items: Vec<NoticeItem>,
}

impl OneTimeNotice {
    /// Issued after its due date: the application already counts as accepted.
    pub fn late(&self) -> bool {
        self.issued_on > self.notice_due
    }
}

/// The data as the template reads them.
#[derive(Serialize)]
struct TemplateData<'a> {
    #[serde(flatten)]
    notice: &'a OneTimeNotice,
    received_on: String,
    notice_due: String,
    issued_on: String,
    late: bool,
    lines: &'a [NoticeItem],
}

/// Chinese date as the notice prints it: 2026年11月30日.
fn zh_date(d: NaiveDate) -> String {
    d.format("%Y年%-m月%-d日").to_string()
}

/// The fonts and the standard library, loaded once and shared by every notice.
pub struct Typesetter {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

fn font_dirs() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::env::var_os("CASEDESK_FONT_DIR")
        .map(PathBuf::from)
        .into_iter()
        .collect();
    dirs.extend(FONT_DIRS.iter().map(PathBuf::from));
    dirs
}

impl Typesetter {
    /// Loads the fonts from `dirs` (the first that has each file).
    pub fn load(dirs: &[PathBuf]) -> Result<Typesetter, NoticeError> {
        let mut fonts = Vec::new();
        for file in FONT_FILES {
            let path = dirs.iter().map(|d| d.join(file)).find(|p| p.is_file());
            let Some(path) = path else {
                return Err(NoticeError::FontMissing {
                    file: file.to_string(),
                    dirs: dirs
                        .iter()
                        .map(|d| d.display().to_string())
                        .collect::<Vec<_>>()
                        .join(", "),
                });
            };
            let bytes = std::fs::read(&path).map_err(|e| NoticeError::FontUnreadable {
                path: path.display().to_string(),
                detail: e.to_string(),
            })?;
            fonts.extend(Font::iter(Bytes::new(bytes)));
        }
        Ok(Typesetter {
            library: LazyHash::new(Library::default()),
            book: LazyHash::new(FontBook::from_fonts(&fonts)),
            fonts,
        })
    }

    /// The process's typesetter, loaded on first use.
    pub fn shared() -> Result<&'static Typesetter, NoticeError> {
        static SHARED: OnceLock<Result<Typesetter, NoticeError>> = OnceLock::new();
        SHARED
            .get_or_init(|| Typesetter::load(&font_dirs()))
            .as_ref()
            .map_err(Clone::clone)
    }

    /// The notice as PDF bytes. A notice with no item is refused: it would tell the carrier
    /// nothing.
    pub fn notice_pdf(&self, notice: &OneTimeNotice) -> Result<Vec<u8>, NoticeError> {
        if notice.items.is_empty() {
            return Err(NoticeError::NothingToList);
        }
        let data = TemplateData {
            notice,
            received_on: zh_date(notice.received_on),
            notice_due: zh_date(notice.notice_due),
            issued_on: zh_date(notice.issued_on),
            late: notice.late(),
            lines: &notice.items,
        };
        let json = serde_json::to_vec(&data).map_err(|e| NoticeError::Typeset(e.to_string()))?;
        let world = NoticeWorld {
            typesetter: self,
            main: file_id("/notice.typ")?,
            data_id: file_id("/data.json")?,
            data: Bytes::new(json),
        };
        let document: PagedDocument = typst::compile(&world)
            .output
            .map_err(|errors| NoticeError::Typeset(diagnostics(&errors)))?;
        typst_pdf::pdf(&document, &typst_pdf::PdfOptions::default())
            .map_err(|errors| NoticeError::Typeset(diagnostics(&errors)))
    }
}

fn diagnostics(errors: &[typst::diag::SourceDiagnostic]) -> String {
    errors
        .iter()
        .map(|e| e.message.to_string())
        .collect::<Vec<_>>()
        .join("; ")
}

fn file_id(path: &str) -> Result<FileId, NoticeError> {
    let vpath = VirtualPath::new(path).map_err(|e| NoticeError::Typeset(format!("{e:?}")))?;
    Ok(RootedPath::new(VirtualRoot::Project, vpath).intern())
}

/// What one compilation sees: the template, the notice's data, the shared fonts.
struct NoticeWorld<'a> {
    typesetter: &'a Typesetter,
    main: FileId,
    data_id: FileId,
    data: Bytes,
}

impl World for NoticeWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        &self.typesetter.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.typesetter.book
    }

    fn main(&self) -> FileId {
        self.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main {
            Ok(Source::new(id, TEMPLATE.to_string()))
        } else {
            Err(FileError::NotFound(PathBuf::from(format!("{id:?}"))))
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.data_id {
            Ok(self.data.clone())
        } else if id == self.main {
            Ok(Bytes::from_string(TEMPLATE))
        } else {
            Err(FileError::NotFound(PathBuf::from(format!("{id:?}"))))
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.typesetter.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        // The template prints the dates it is given, never "today".
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    pub(crate) fn sample() -> OneTimeNotice {
        OneTimeNotice {
            service_point: "长垣市大件运输申报服务点".into(),
            notice_no: "长大件告〔2026〕DJ202611300000042号".into(),
            application_id: "DJ202611300000042".into(),
            carrier: "长垣市宏达重型运输有限公司".into(),
            carrier_credit_id: "91410783MA9XL0HJ8A".into(),
            tractor_plate: "豫GA1234".into(),
            trailer_plate: "豫GB567挂".into(),
            goods: "110kV 油浸式变压器 #*[_$".into(),
            received_on: d("2026-11-30"),
            notice_due: d("2026-12-07"),
            issued_on: d("2026-12-01"),
            reviewer: "chen.jing".into(),
            decided_at: "2026-12-01 10:15".into(),
            items: vec![
                NoticeItem {
                    text: "缺少调运单，请补充提交".into(),
                    remark: None,
                },
                NoticeItem {
                    text: "测量视频有剪辑或中断，不是一镜到底拍摄".into(),
                    remark: Some("01:02.500 处画面跳切 = #strong[x]".into()),
                },
            ],
        }
    }

    #[test]
    fn a_notice_is_a_pdf() {
        let pdf = Typesetter::shared()
            .expect("fonts-noto-cjk is installed (scripts/setup.sh)")
            .notice_pdf(&sample())
            .expect("typeset");
        assert!(pdf.starts_with(b"%PDF-"), "a PDF");
        if let Some(path) = std::env::var_os("CASEDESK_NOTICE_SAMPLE") {
            std::fs::write(path, &pdf).expect("sample written");
        }
        assert!(pdf.len() > 1000);
    }

    /// The PDF's text as poppler's pdftotext reads it (scripts/setup.sh installs poppler-utils),
    /// without white space, so a line break inside a phrase does not matter.
    fn pdf_text(pdf: &[u8]) -> String {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("notice.pdf");
        std::fs::write(&path, pdf).expect("write");
        let out = std::process::Command::new("pdftotext")
            .arg(&path)
            .arg("-")
            .output()
            .expect("pdftotext (poppler-utils, installed by scripts/setup.sh)");
        assert!(out.status.success(), "pdftotext read the file");
        String::from_utf8_lossy(&out.stdout)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect()
    }

    #[test]
    fn the_pdf_lists_every_item_with_its_remark_and_the_due_date() {
        let notice = sample();
        let pdf = Typesetter::shared()
            .expect("fonts")
            .notice_pdf(&notice)
            .expect("typeset");
        let text = pdf_text(&pdf);
        for want in [
            "一次性告知书",
            "长垣市大件运输申报服务点",
            "DJ202611300000042",
            "长垣市宏达重型运输有限公司",
            "2026年11月30日",
            "缺少调运单，请补充提交",
            "测量视频有剪辑或中断，不是一镜到底拍摄",
            // Typed text stays text: markup characters are printed, not obeyed.
            "01:02.500处画面跳切=#strong[x]",
            "110kV油浸式变压器#*[_$",
            "2026年12月7日前告知",
            "逾期不告知的，自收到申请材料之日起即为受理",
        ] {
            assert!(
                text.contains(want),
                "{want:?} missing from the notice: {text}"
            );
        }
        assert!(
            !text.contains("视为受理。"),
            "issued in time: no late warning"
        );
        let mut late = notice.clone();
        late.issued_on = d("2026-12-08");
        let text = pdf_text(
            &Typesetter::shared()
                .expect("fonts")
                .notice_pdf(&late)
                .expect("pdf"),
        );
        assert!(text.contains("已晚于告知期限"), "{text}");
    }

    #[test]
    fn a_notice_with_nothing_to_list_is_refused() {
        let mut n = sample();
        n.items.clear();
        assert_eq!(
            Typesetter::shared().expect("fonts").notice_pdf(&n),
            Err(NoticeError::NothingToList)
        );
    }

    #[test]
    fn missing_fonts_are_named() {
        let Err(e) = Typesetter::load(&[PathBuf::from("/nonexistent")]) else {
            panic!("no fonts there")
        };
        assert!(
            matches!(e, NoticeError::FontMissing { ref file, .. } if file == "NotoSerifCJK-Regular.ttc")
        );
    }

    #[test]
    fn dates_print_in_chinese_and_lateness_counts_from_the_due_date() {
        assert_eq!(zh_date(d("2026-12-07")), "2026年12月7日");
        let mut n = sample();
        assert!(!n.late());
        n.issued_on = d("2026-12-08");
        assert!(n.late());
    }
}
