//! The `fanzha` command: parses arguments, calls the library, prints the report or the errors in
//! plain Chinese, and picks the exit status (0 ok, 1 content errors, 2 usage or I/O problems).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use fanzha::error::BuildError;

/// Rendering allocates and frees many small values per page; mimalloc is markedly faster at that
/// than the system allocator (measured with bench/bench.py).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
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
    /// 在本机预览网站：保存文件后浏览器自动刷新，出错时页面上直接显示错误
    Serve {
        /// 网站根目录（site.toml 所在目录）
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// 包含草稿和日期在未来的页面
        #[arg(long)]
        drafts: bool,
        /// 端口
        #[arg(long, default_value_t = fanzha::serve::DEFAULT_PORT)]
        port: u16,
        /// 监听地址（默认只允许本机访问）
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// 预览文件写到哪里（默认：系统临时目录里的新目录；不会动 public/）
        #[arg(long)]
        output: Option<PathBuf>,
        /// 定时检查文件变化（网络盘、虚拟机共享目录等收不到变化通知时使用）
        #[arg(long)]
        poll: bool,
    },
    /// 新建一篇内容，例如：fanzha new cases "大学生兼职刷单被骗"
    New {
        /// 栏目（content/ 下的文件夹），例如 cases
        section: String,
        /// 标题（不写时在终端里逐项询问）
        title: Option<String>,
        /// 网站根目录
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// 诈骗类型，英文标识或中文名称，可写多次
        #[arg(long = "fraud-type")]
        fraud_types: Vec<String>,
        /// 适用人群，可写多次
        #[arg(long = "audience")]
        audiences: Vec<String>,
        /// 引用的法条序号，可写多次或写成 20,38
        #[arg(long = "law", value_delimiter = ',')]
        law: Vec<u32>,
        /// 地区，例如 河南省某市
        #[arg(long)]
        region: Option<String>,
        /// 来源单位
        #[arg(long)]
        source: Option<String>,
        /// 日期，例如 2024-05-01（默认今天）
        #[arg(long)]
        date: Option<String>,
        /// 一句话概括
        #[arg(long)]
        summary: Option<String>,
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
        eprintln!("  {name:<13} {:>8.1} ms", d.as_secs_f64() * 1000.0);
    }
}

fn fail(e: BuildError) -> ExitCode {
    eprintln!("{e}");
    ExitCode::from(e.exit_code() as u8)
}

/// `fanzha new`: flags, or questions when the title is missing and a person is at the terminal.
#[allow(clippy::too_many_arguments)]
fn new_page(
    section: String,
    title: Option<String>,
    root: PathBuf,
    fraud_types: Vec<String>,
    audiences: Vec<String>,
    law: Vec<u32>,
    region: Option<String>,
    source: Option<String>,
    date: Option<String>,
    summary: Option<String>,
) -> ExitCode {
    use std::io::IsTerminal;
    let date = match date.as_deref().map(|d| (d, fanzha::model::Date::parse(d))) {
        Some((d, None)) => return fail(BuildError::Usage(format!("看不懂日期 {d}：写成 年-月-日，例如 --date 2024-05-01"))),
        Some((_, d)) => d,
        None => None,
    };
    if let Some(bad) = law.iter().find(|n| !(1..=50).contains(*n)) {
        return fail(BuildError::Usage(format!("《反电信网络诈骗法》没有第 {bad} 条：--law 只能写 1 到 50")));
    }
    let mut page = fanzha::scaffold::NewPage {
        section,
        title: title.clone().unwrap_or_default(),
        summary,
        fraud_types,
        audiences,
        law_articles: law,
        region,
        source,
        date,
    };
    if title.is_none() {
        if !std::io::stdin().is_terminal() {
            return fail(BuildError::Usage("缺少标题：写成 fanzha new cases \"标题\"，或在终端里运行 fanzha new cases 逐项填写".into()));
        }
        let frauds = fanzha::scaffold::choices(&root, "fraud");
        let auds = fanzha::scaffold::choices(&root, "guides");
        let default_source = fanzha::config::SiteConfig::load(&root).ok().and_then(|c| c.source_name);
        let stdin = std::io::stdin();
        let mut input = stdin.lock();
        if let Err(e) = fanzha::scaffold::ask(&mut input, &mut std::io::stdout(), &mut page, &frauds, &auds, default_source.as_deref()) {
            return fail(BuildError::io("stdin", e));
        }
    }
    match fanzha::scaffold::create(&root, &page, fanzha::model::Date::today()) {
        Ok(rel) => {
            println!("已新建 {}", rel.display());
            println!("打开它写正文，写完运行 fanzha check 检查，或用 fanzha serve 边写边预览。");
            ExitCode::SUCCESS
        }
        Err(e) => fail(e),
    }
}

/// mimalloc's `purge_delay` option (`mi_option_purge_delay` in mimalloc.h), in milliseconds: how long
/// freed memory is kept before it is returned to the OS. 20 ms keeps the 10,000-page build's peak
/// memory near the system allocator's while keeping most of mimalloc's speed (bench/bench.py).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Turns transparent huge pages off for this process. With them, every 2 MiB region that mimalloc
/// hands back to the system and takes again is zeroed whole by the kernel: at 10,000 notes that was
/// a fifth of the build's CPU time (`perf`: `clear_page_erms`), and peak memory was higher too.
/// `FANZHA_THP=1` keeps them, for measuring.
fn disable_transparent_huge_pages() {
    #[cfg(target_os = "linux")]
    if std::env::var_os("FANZHA_THP").is_none_or(|v| v != "1") {
        // SAFETY: prctl with PR_SET_THP_DISABLE takes plain integer arguments and changes only this
        // process's memory policy; failure (an old kernel) just leaves the default in place.
        unsafe { libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0) };
    }
}

fn main() -> ExitCode {
    disable_transparent_huge_pages();
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        // SAFETY: sets a plain integer option before any other thread exists.
        unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 20) };
    }
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
        Command::Serve { root, drafts, port, bind, output, poll } => {
            let mut site = Options::new(&root);
            site.drafts = drafts;
            let opts = fanzha::serve::ServeOptions { site, output, bind, port, poll };
            let log = |line: &str| {
                use std::io::Write;
                let mut out = std::io::stdout().lock();
                let _ = writeln!(out, "{line}");
                let _ = out.flush();
            };
            match fanzha::serve::serve(opts, &log) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => fail(e),
            }
        }
        Command::New { section, title, root, fraud_types, audiences, law, region, source, date, summary } => {
            new_page(section, title, root, fraud_types, audiences, law, region, source, date, summary)
        }
    }
}
