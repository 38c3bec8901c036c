//! `casedesk-hub`: see `casedesk-hub --help` and the README's "Hub (first part)".

fn main() -> std::process::ExitCode {
    casedesk_hub::cli::main()
}
