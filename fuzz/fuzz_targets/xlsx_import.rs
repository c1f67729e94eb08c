#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = zlc_fuzz::office::xlsx_import(data);
});
