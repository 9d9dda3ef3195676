#include "resp/reply_writer.h"

#include <charconv>
#include <cmath>

namespace understudy::resp {
namespace {

// Longest "%.17g" text: sign, 17 digits, point, "e-308".
constexpr size_t kDoubleBufferSize = 32;
// A type byte, an int64 and CRLF.
constexpr size_t kHeaderBufferSize = 24;

size_t FormatDoubleTo(double value, char* buffer) {
  if (std::isnan(value)) {
    std::char_traits<char>::copy(buffer, "nan", 3);
    return 3;
  }
  if (std::isinf(value)) {
    const char* text = value > 0 ? "inf" : "-inf";
    const size_t length = value > 0 ? 3 : 4;
    std::char_traits<char>::copy(buffer, text, length);
    return length;
  }
  // to_chars with a precision is specified to match printf("%.17g").
  auto result =
      std::to_chars(buffer, buffer + kDoubleBufferSize, value, std::chars_format::general, 17);
  return result.ptr - buffer;
}

// Appends text with CR and LF turned into spaces, as Redis does for error replies, so a
// message quoting user input cannot break the framing.
void AppendLine(std::string* out, std::string_view text) {
  const size_t start = out->size();
  out->append(text);
  for (size_t i = start; i < out->size(); ++i) {
    char& c = (*out)[i];
    if (c == '\r' || c == '\n') c = ' ';
  }
  out->append("\r\n", 2);
}

}  // namespace

std::string FormatDouble(double value) {
  char buffer[kDoubleBufferSize];
  return std::string(buffer, FormatDoubleTo(value, buffer));
}

void ReplyWriter::SimpleString(std::string_view s) {
  out_->push_back('+');
  AppendLine(out_, s);
}

void ReplyWriter::Error(std::string_view message) {
  out_->push_back('-');
  AppendLine(out_, message);
}

void ReplyWriter::Integer(int64_t value) { Header(':', value); }

void ReplyWriter::Bulk(std::string_view s) {
  Header('$', static_cast<int64_t>(s.size()));
  out_->append(s);
  out_->append("\r\n", 2);
}

void ReplyWriter::Null() {
  if (resp3()) {
    out_->append("_\r\n", 3);
  } else {
    out_->append("$-1\r\n", 5);
  }
}

void ReplyWriter::NullArray() {
  if (resp3()) {
    out_->append("_\r\n", 3);
  } else {
    out_->append("*-1\r\n", 5);
  }
}

void ReplyWriter::Double(double value) {
  char buffer[kDoubleBufferSize];
  const std::string_view text(buffer, FormatDoubleTo(value, buffer));
  if (resp3()) {
    out_->push_back(',');
    out_->append(text);
    out_->append("\r\n", 2);
  } else {
    Bulk(text);
  }
}

void ReplyWriter::Boolean(bool value) {
  if (resp3()) {
    out_->append(value ? "#t\r\n" : "#f\r\n", 4);
  } else {
    out_->append(value ? ":1\r\n" : ":0\r\n", 4);
  }
}

void ReplyWriter::BigNumber(std::string_view digits) {
  if (resp3()) {
    out_->push_back('(');
    out_->append(digits);
    out_->append("\r\n", 2);
  } else {
    Bulk(digits);
  }
}

void ReplyWriter::Verbatim(std::string_view format, std::string_view text) {
  if (!resp3()) {
    Bulk(text);
    return;
  }
  Header('=', static_cast<int64_t>(format.size() + 1 + text.size()));
  out_->append(format);
  out_->push_back(':');
  out_->append(text);
  out_->append("\r\n", 2);
}

void ReplyWriter::ArrayHeader(size_t count) { Header('*', static_cast<int64_t>(count)); }

void ReplyWriter::MapHeader(size_t pairs) {
  if (resp3()) {
    Header('%', static_cast<int64_t>(pairs));
  } else {
    Header('*', static_cast<int64_t>(pairs * 2));
  }
}

void ReplyWriter::SetHeader(size_t count) {
  Header(resp3() ? '~' : '*', static_cast<int64_t>(count));
}

void ReplyWriter::PushHeader(size_t count) {
  Header(resp3() ? '>' : '*', static_cast<int64_t>(count));
}

void ReplyWriter::Header(char type, int64_t count) {
  char buffer[kHeaderBufferSize];
  buffer[0] = type;
  char* end = std::to_chars(buffer + 1, buffer + kHeaderBufferSize - 2, count).ptr;
  *end++ = '\r';
  *end++ = '\n';
  out_->append(buffer, end - buffer);
}

}  // namespace understudy::resp
