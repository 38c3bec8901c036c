//! The permit desk's media checks through the services the window and the CLI call: the demo's
//! submission folders (real media made by ffmpeg) are indexed one by one, and each deliberate
//! defect the media checks can see is reported with a link to the earlier application; bad
//! files are refused in both languages and record nothing.

use casedesk_app::{demo_media, Desk, ErrorCode, Lang, MediaIndexed, MessageKey};
use casedesk_media::index::MatchHow;
use casedesk_media::inspect::Finding;

fn file<'a>(r: &'a MediaIndexed, name: &str) -> &'a casedesk_app::IndexedFile {
    r.files
        .iter()
        .find(|f| f.file_name == name)
        .expect("file indexed")
}

#[test]
fn the_demo_folders_defects_are_found_and_reuse_names_the_earlier_application() {
    let out = tempfile::tempdir().expect("tempdir");
    let data = tempfile::tempdir().expect("tempdir");
    let folders = demo_media(out.path(), 7, 11).expect("demo media");
    let mut desk = Desk::open(data.path()).expect("desk");
    let indexed: Vec<MediaIndexed> = folders
        .iter()
        .map(|f| {
            desk.media_index(&out.path().join(&f.folder))
                .expect("indexes")
        })
        .collect();
    let first = &folders[0].carrier_reference;

    // Clean, plate mismatch and old watermark: nothing the media checks see (the reviewer's
    // checklist finds the plate and the time on the watermark).
    for r in &indexed[0..3] {
        assert_eq!(r.recorded, 3, "a video and two photos");
        for f in &r.files {
            assert!(f.findings.is_empty(), "{}: {:?}", f.file_name, f.findings);
            assert!(f.matches.is_empty(), "{}: {:?}", f.file_name, f.matches);
        }
    }
    // The reused video, re-encoded at another bitrate.
    let video = file(&indexed[3], "measurement.mp4");
    assert_eq!(video.matches.len(), 1, "{:?}", video.matches);
    assert_eq!(&video.matches[0].application_id, first);
    assert!(matches!(
        video.matches[0].how,
        MatchHow::SharedFootage { .. }
    ));
    // The video with a cut.
    assert!(matches!(
        file(&indexed[4], "measurement.mp4").findings.as_slice(),
        [Finding::Cuts { .. }]
    ));
    // The photo without EXIF.
    assert_eq!(
        file(&indexed[5], "front.jpg").findings,
        vec![Finding::NoExif]
    );
    assert!(file(&indexed[5], "side.jpg").findings.is_empty());
    // The reused photo, resized.
    let photo = file(&indexed[6], "front.jpg");
    assert_eq!(photo.matches.len(), 1, "{:?}", photo.matches);
    assert_eq!(&photo.matches[0].application_id, first);
    assert!(matches!(photo.matches[0].how, MatchHow::SamePicture { .. }));

    // media-check of the first application's video: itself (same bytes) and the reuse.
    let check = desk
        .media_check(&out.path().join(&folders[0].folder).join("measurement.mp4"))
        .expect("checks");
    let how: Vec<(&str, &MatchHow)> = check
        .matches
        .iter()
        .map(|m| (m.application_id.as_str(), &m.how))
        .collect();
    assert_eq!(how.len(), 2, "{how:?}");
    assert_eq!(how[0], (first.as_str(), &MatchHow::SameBytes));
    assert_eq!(how[1].0, folders[3].carrier_reference);

    // Indexing a folder again replaces its rows.
    let again = desk
        .media_index(&out.path().join(&folders[0].folder))
        .expect("again");
    assert_eq!(again.recorded, 3);
}

#[test]
fn a_folder_with_a_bad_file_is_refused_whole_and_records_nothing() {
    let out = tempfile::tempdir().expect("tempdir");
    let data = tempfile::tempdir().expect("tempdir");
    let folders = demo_media(out.path(), 1, 3).expect("demo media");
    let folder = out.path().join(&folders[0].folder);
    let mut desk = Desk::open(data.path()).expect("desk");
    let photo = folder.join("front.jpg");

    // A "video" that is a text file.
    let video = folder.join("measurement.mp4");
    let good = std::fs::read(&video).expect("read");
    std::fs::write(&video, "not a video").expect("write");
    let err = desk.media_index(&folder).expect_err("not a video");
    assert_eq!(err.code, ErrorCode::FileTypeMismatch);
    assert_eq!(err.message.key, MessageKey::MediaNotAVideo);
    assert!(
        err.message.render(Lang::Zh).contains("应为视频"),
        "{}",
        err.message.render(Lang::Zh)
    );
    assert!(err.message.render(Lang::En).contains("should be a video"));

    // A cut-off upload.
    std::fs::write(&video, &good[..good.len() / 2]).expect("write");
    let err = desk.media_index(&folder).expect_err("truncated");
    assert_eq!(err.message.key, MessageKey::MediaTruncated);

    // Nothing was recorded: the photo, checked after both failures, matches nothing.
    let check = desk.media_check(&photo).expect("checks");
    assert!(check.matches.is_empty(), "{:?}", check.matches);

    // A manifest naming a file outside the folder.
    std::fs::write(&video, &good).expect("write");
    let manifest = folder.join("application.json");
    let text = std::fs::read_to_string(&manifest).expect("read");
    std::fs::write(&manifest, text.replace("\"front.jpg\"", "\"../front.jpg\"")).expect("write");
    let err = desk.media_index(&folder).expect_err("outside the folder");
    assert_eq!(err.message.key, MessageKey::SubmissionUnreadable);
    assert!(desk.media_check(&photo).expect("checks").matches.is_empty());
}
