fn main() -> std::process::ExitCode {
    mlzone::run(std::env::args_os())
}
