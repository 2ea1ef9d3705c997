//! The wire decoders (`decode_from_frame`, `decode_from_host`, `decode_event_data`) on any
//! message: JSON text or a structure the bytes choose.
#![no_main]

use deskbridge_fuzz::{oracles::decode_everything, Bytes};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let message = Bytes::new(data).message();
    decode_everything(&message);
});
