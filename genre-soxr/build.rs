//! Compiles the vendored libsoxr (see `libsoxr/README.md`).
//!
//! On x86_64 the SSE engine (`cr32s`, pffft) is built as well; libsoxr picks
//! it at run time exactly like python-soxr's wheels do, which makes genre's
//! HQ resampling bit-identical to `soxr.resample`. Elsewhere only the scalar
//! engine is built (python-soxr without libavutil does the same).
//!
//! Every source file is compiled with `alloc.h` force-included, so libsoxr
//! allocates through Rust's global allocator (`src/alloc.rs`) rather than
//! the C library's malloc.

fn main() {
    let arch = std::env::var("CARGO_CFG_TARGET_ARCH").unwrap_or_default();
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let simd = arch == "x86_64";

    let mut build = cc::Build::new();
    build
        .include("libsoxr")
        .define("SOXR_LIB", "0")
        .flag_if_supported("-std=gnu89")
        .warnings(false);
    let dir = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".into());
    let alloc_h = std::path::Path::new(&dir).join("alloc.h");
    if build.get_compiler().is_like_msvc() {
        build.flag(format!("/FI{}", alloc_h.display()));
    } else {
        build
            .flag("-include")
            .flag(alloc_h.to_string_lossy().as_ref());
    }
    let mut sources = vec![
        "soxr.c",
        "data-io.c",
        "dbesi0.c",
        "filter.c",
        "cr.c",
        "cr32.c",
        "fft4g.c",
        "fft4g32.c",
        "fft4g64.c",
    ];
    if simd {
        build.define("WITH_CR32S", "1");
        sources.extend(["cr32s.c", "pffft32s.c", "util32s.c"]);
    }
    for source in sources {
        build.file(format!("libsoxr/{source}"));
    }
    // genre's read-only view of the stages (not part of libsoxr).
    build.file("src/stages.c");
    build.compile("soxr");
    if os != "windows" {
        println!("cargo:rustc-link-lib=m");
    }
    println!("cargo:rerun-if-changed=libsoxr");
    println!("cargo:rerun-if-changed=alloc.h");
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=src/stages.c");
}
