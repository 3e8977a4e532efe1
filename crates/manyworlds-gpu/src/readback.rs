//! Reading buffers back to the host through staging buffers mapped asynchronously, two of
//! them in turn: while the host waits for (or copies out of) one, the next readback is copied
//! into the other, and the GPU goes on with whatever was submitted after the copy.

use std::sync::mpsc;

use crate::error::GpuError;

/// A copy in flight: where its bytes will be, and the signal that the mapping is done.
pub struct PendingRead {
    slot: usize,
    size: u64,
    mapped: mpsc::Receiver<Result<(), wgpu::BufferAsyncError>>,
}

#[derive(Default)]
pub struct Readback {
    staging: [Option<wgpu::Buffer>; 2],
    next: usize,
}

impl Readback {
    /// Encodes copies of `ranges` (offset, size) of `source`, packed one after another, into
    /// the next staging buffer. Submit `encoder`, then call [`Readback::map`].
    pub fn copy(
        &mut self,
        device: &wgpu::Device,
        encoder: &mut wgpu::CommandEncoder,
        source: &wgpu::Buffer,
        ranges: &[(u64, u64)],
    ) -> (usize, u64) {
        let size: u64 = ranges.iter().map(|r| r.1).sum();
        let slot = self.next;
        self.next = 1 - self.next;
        let fits = self.staging[slot]
            .as_ref()
            .is_some_and(|b| b.size() >= size);
        if !fits {
            self.staging[slot] = Some(device.create_buffer(&wgpu::BufferDescriptor {
                label: Some("readback staging"),
                size: size.max(4),
                usage: wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
                mapped_at_creation: false,
            }));
        }
        let staging = self.staging[slot].as_ref().expect("staging buffer");
        let mut at = 0;
        for &(offset, len) in ranges {
            encoder.copy_buffer_to_buffer(source, offset, staging, at, len);
            at += len;
        }
        (slot, size)
    }

    /// Starts mapping what [`Readback::copy`] put in `slot`; call after the submit.
    pub fn map(&self, (slot, size): (usize, u64)) -> PendingRead {
        let (sender, mapped) = mpsc::channel();
        let staging = self.staging[slot].as_ref().expect("staging buffer");
        staging
            .slice(..size.max(4))
            .map_async(wgpu::MapMode::Read, move |r| {
                let _ = sender.send(r);
            });
        PendingRead { slot, size, mapped }
    }

    /// Waits for `pending` and hands its bytes to `consume`.
    pub fn finish(
        &self,
        device: &wgpu::Device,
        pending: PendingRead,
        consume: impl FnOnce(&[u8]),
    ) -> Result<(), GpuError> {
        loop {
            match pending.mapped.try_recv() {
                Ok(result) => {
                    result.map_err(|e| GpuError::Runtime(format!("readback: {e}")))?;
                    break;
                }
                Err(mpsc::TryRecvError::Empty) => {
                    device
                        .poll(wgpu::PollType::wait_indefinitely())
                        .map_err(|e| GpuError::Runtime(format!("waiting for the GPU: {e}")))?;
                }
                Err(mpsc::TryRecvError::Disconnected) => {
                    return Err(GpuError::Runtime("readback was dropped".to_string()));
                }
            }
        }
        let staging = self.staging[pending.slot].as_ref().expect("staging buffer");
        {
            let view = staging
                .slice(..pending.size.max(4))
                .get_mapped_range()
                .map_err(|e| GpuError::Runtime(format!("readback: {e}")))?;
            consume(&view[..pending.size as usize]);
        }
        staging.unmap();
        Ok(())
    }
}
