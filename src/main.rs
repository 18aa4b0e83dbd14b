//! The `fanzha` command: parses arguments, calls the library, prints the report or the errors in
//! plain Chinese, and picks the exit status (0 ok, 1 content errors, 2 usage or I/O problems).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use fanzha::error::BuildError;
use fanzha::{BuildReport, Options};

#[derive(Parser)]
#[command(name = "fanzha", version, about = "反诈宣传网站生成器：把 content/ 里的 Markdown 生成为可搜索、可打印的静态网站")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Args, Clone)]
struct SiteArgs {
    /// 网站根目录（site.toml 所在目录）
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// 覆盖 site.toml 里的 base_url
    #[arg(long)]
    base_url: Option<String>,
    /// 包含草稿和日期在未来的页面
    #[arg(long)]
    drafts: bool,
}

#[derive(Subcommand)]
enum Command {
    /// 生成网站（默认输出到 public/）
    Build {
        #[command(flatten)]
        site: SiteArgs,
        /// 输出目录（默认：网站根目录下的 public/）
        #[arg(long)]
        output: Option<PathBuf>,
        /// 打印各阶段用时（load、parse、render、write、search）
        #[arg(long)]
        timings: bool,
    },
    /// 只检查内容，不写任何文件
    Check {
        #[command(flatten)]
        site: SiteArgs,
        /// 打印各阶段用时
        #[arg(long)]
        timings: bool,
    },
}

fn options(site: &SiteArgs, output: Option<PathBuf>) -> Options {
    let mut o = Options::new(&site.root);
    if let Some(out) = output {
        o.output = out;
    }
    o.base_url = site.base_url.clone();
    o.drafts = site.drafts;
    o
}

fn print_timings(report: &BuildReport) {
    for (name, d) in &report.timings {
        eprintln!("  {name:<9} {:>8.1} ms", d.as_secs_f64() * 1000.0);
    }
}

fn fail(e: BuildError) -> ExitCode {
    eprintln!("{e}");
    ExitCode::from(e.exit_code() as u8)
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match cli.command {
        Command::Build { site, output, timings } => match fanzha::build(&options(&site, output)) {
            Ok(r) => {
                if timings {
                    print_timings(&r);
                }
                println!(
                    "已生成 {} 个页面（{} 个文件，{:.1} MB），用时 {:.2} 秒",
                    r.pages,
                    r.files,
                    r.bytes as f64 / 1_048_576.0,
                    r.elapsed.as_secs_f64()
                );
                ExitCode::SUCCESS
            }
            Err(e) => fail(e),
        },
        Command::Check { site, timings } => match fanzha::check(&options(&site, None)) {
            Ok(r) => {
                if timings {
                    print_timings(&r);
                }
                println!("检查通过：{} 个页面没有发现问题，用时 {:.2} 秒", r.pages, r.elapsed.as_secs_f64());
                ExitCode::SUCCESS
            }
            Err(e) => fail(e),
        },
    }
}
