package io.ev4j.net.buffer;

/// How [Buffer#readLine(EolStyle)] finds the end of a line. The line returned never includes its end-of-line bytes.
///
/// ```java
/// byte[] line = input.readLine(EolStyle.CRLF);   // "GET / HTTP/1.1\r\n" gives "GET / HTTP/1.1"
/// ```
public enum EolStyle {
    /// The line ends at the first CR or LF; that byte and every CR or LF right after it are
    /// removed (so empty lines between are skipped). A CR at the very end of the buffer ends a
    /// line at once, even if its LF has not arrived yet.
    ANY,
    /// The line ends at the first LF; a CR right before that LF is removed with it. A CR not
    /// followed by LF is part of the line.
    CRLF,
    /// The line ends at the first CR LF pair; a lone CR or LF is part of the line.
    CRLF_STRICT,
    /// The line ends at the first LF.
    LF,
    /// The line ends at the first NUL (0) byte.
    NUL
}
