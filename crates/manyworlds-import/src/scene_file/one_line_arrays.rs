//! The layout of a scene file: pretty-printed JSON, one field a line, except that arrays of
//! numbers (vectors, quaternions, ranges) stay on one line: `"position": [0.0, 0.0, 1.0]`.

use std::io::{self, Write};

use serde_json::ser::{CompactFormatter, Formatter};

const INDENT: &[u8] = b"  ";

enum Open {
    Object {
        has_fields: bool,
    },
    /// Elements that are objects go on lines of their own; the others on the array's line.
    Array {
        on_lines: bool,
    },
}

/// A [`Formatter`] for serde_json that writes the layout above.
#[derive(Default)]
pub struct OneLineArrays {
    open: Vec<Open>,
    /// An array element comes next (its comma is written); Some(first element?).
    element: Option<bool>,
}

/// Writes a scalar through serde_json's own compact formatting, after the element's space.
macro_rules! scalar {
    ($($method:ident($type:ty)),* $(,)?) => {
        $(
            fn $method<W: ?Sized + Write>(&mut self, w: &mut W, value: $type) -> io::Result<()> {
                self.inline_element(w)?;
                CompactFormatter.$method(w, value)
            }
        )*
    };
}

impl OneLineArrays {
    fn indent<W: ?Sized + Write>(&self, w: &mut W) -> io::Result<()> {
        w.write_all(b"\n")?;
        for _ in 0..self.open.len() {
            w.write_all(INDENT)?;
        }
        Ok(())
    }

    /// Before a value that stays on its array's line.
    fn inline_element<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        match self.element.take() {
            Some(false) => w.write_all(b" "),
            _ => Ok(()),
        }
    }

    /// Before an object: on a line of its own when it is an array element.
    fn block_element<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        if self.element.take().is_none() {
            return Ok(());
        }
        if let Some(Open::Array { on_lines }) = self.open.last_mut() {
            *on_lines = true;
        }
        self.indent(w)
    }
}

impl Formatter for OneLineArrays {
    scalar!(
        write_bool(bool),
        write_i8(i8),
        write_i16(i16),
        write_i32(i32),
        write_i64(i64),
        write_i128(i128),
        write_u8(u8),
        write_u16(u16),
        write_u32(u32),
        write_u64(u64),
        write_u128(u128),
        write_f32(f32),
        write_f64(f64),
        write_number_str(&str),
        write_raw_fragment(&str),
    );

    fn write_null<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.inline_element(w)?;
        CompactFormatter.write_null(w)
    }

    fn begin_string<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.inline_element(w)?;
        CompactFormatter.begin_string(w)
    }

    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.inline_element(w)?;
        self.open.push(Open::Array { on_lines: false });
        w.write_all(b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        if let Some(Open::Array { on_lines: true }) = self.open.pop() {
            self.indent(w)?;
        }
        w.write_all(b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.element = Some(first);
        if first {
            Ok(())
        } else {
            w.write_all(b",")
        }
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.block_element(w)?;
        self.open.push(Open::Object { has_fields: false });
        w.write_all(b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        if let Some(Open::Object { has_fields: true }) = self.open.pop() {
            self.indent(w)?;
        }
        w.write_all(b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        if let Some(Open::Object { has_fields }) = self.open.last_mut() {
            *has_fields = true;
        }
        if !first {
            w.write_all(b",")?;
        }
        self.indent(w)
    }

    fn end_object_key<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        Ok(())
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        Ok(())
    }
}
