#![forbid(unsafe_code)]

fn main() -> std::process::ExitCode {
    tinnhiem::cli::main()
}
