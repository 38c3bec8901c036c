//! ffmpeg and ffprobe as child processes, each bounded in time and in how much it may print, so
//! a hostile or broken file cannot hang the desk or fill its memory.

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use crate::error::MediaError;

/// What a finished run printed.
#[derive(Debug)]
pub struct Output {
    pub stdout: Vec<u8>,
    pub stderr: String,
}

/// How long and how much a run may take.
#[derive(Debug, Clone, Copy)]
pub struct Bounds {
    pub time: Duration,
    pub stdout_bytes: usize,
}

/// The most stderr kept (ffmpeg's log of a long file); the end of it says why a run failed.
const STDERR_BYTES: usize = 4 << 20;

/// Runs `program args`, killing it after `bounds.time`. A non-zero exit is an error carrying the
/// last line ffmpeg wrote; stdout beyond `bounds.stdout_bytes` is dropped (the caller asked for
/// a bounded number of frames, so more means something is wrong and is cut).
pub fn run(
    program: &'static str,
    args: &[&str],
    file: &Path,
    bounds: Bounds,
) -> Result<Output, MediaError> {
    let tool_err = |detail: String| MediaError::Tool {
        program,
        path: file.to_path_buf(),
        detail,
    };
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| tool_err(format!("cannot start it ({e}); is ffmpeg installed?")))?;
    let stdout = child.stdout.take();
    let stderr = child.stderr.take();
    let out_reader = thread::spawn(move || read_bounded(stdout, bounds.stdout_bytes));
    let err_reader = thread::spawn(move || read_bounded(stderr, STDERR_BYTES));
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() > bounds.time => {
                // Already exited or not killable: either way wait() below reaps it.
                let _ = child.kill();
                let _ = child.wait();
                return Err(MediaError::TimedOut {
                    program,
                    path: file.to_path_buf(),
                    seconds: bounds.time.as_secs(),
                });
            }
            Ok(None) => thread::sleep(Duration::from_millis(5)),
            Err(e) => return Err(tool_err(format!("cannot wait for it: {e}"))),
        }
    };
    let stdout = out_reader.join().unwrap_or_default();
    let stderr = String::from_utf8_lossy(&err_reader.join().unwrap_or_default()).into_owned();
    if !status.success() {
        let last = stderr
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("no message")
            .trim()
            .to_string();
        return Err(tool_err(format!("{status}: {last}")));
    }
    Ok(Output { stdout, stderr })
}

fn read_bounded(pipe: Option<impl Read>, limit: usize) -> Vec<u8> {
    let mut kept = Vec::new();
    let Some(mut pipe) = pipe else { return kept };
    let mut buf = [0u8; 1 << 16];
    // Keep draining past the limit so the child never blocks on a full pipe.
    while let Ok(n) = pipe.read(&mut buf) {
        if n == 0 {
            break;
        }
        let room = limit.saturating_sub(kept.len());
        kept.extend_from_slice(&buf[..n.min(room)]);
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_past_its_time_is_stopped() {
        let started = Instant::now();
        let err = run(
            "ffmpeg",
            &[
                "-hide_banner",
                "-f",
                "lavfi",
                "-i",
                "testsrc=rate=5:size=32x32",
                "-f",
                "null",
                "-",
            ],
            Path::new("endless"),
            Bounds {
                time: Duration::from_millis(300),
                stdout_bytes: 0,
            },
        )
        .expect_err("an endless source is stopped");
        assert!(matches!(err, MediaError::TimedOut { .. }), "{err}");
        assert!(started.elapsed() < Duration::from_secs(5));
    }
}
