#include "resp/reply.h"

#include <cmath>
#include <ostream>

#include "resp/reply_writer.h"

namespace understudy::resp {
namespace {

void AppendQuoted(std::string* out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  for (char c : s) {
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\t':
        out->append("\\t");
        break;
      default: {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || byte >= 0x7f) {
          out->append("\\x");
          out->push_back(kHex[byte >> 4]);
          out->push_back(kHex[byte & 0xf]);
        } else {
          out->push_back(c);
        }
      }
    }
  }
  out->push_back('"');
}

void AppendReply(std::string* out, const Reply& reply);

// Renders elements as "a, b" or, for maps and attributes, "k: v, k2: v2".
void AppendElements(std::string* out, const std::vector<Reply>& elements, bool pairs) {
  for (size_t i = 0; i < elements.size(); ++i) {
    if (i > 0) out->append(pairs && i % 2 == 1 ? ": " : ", ");
    AppendReply(out, elements[i]);
  }
}

void AppendReply(std::string* out, const Reply& reply) {
  if (!reply.attributes.empty()) {
    out->append("|{");
    AppendElements(out, reply.attributes, /*pairs=*/true);
    out->append("} ");
  }
  switch (reply.type) {
    case ReplyType::kSimpleString:
      out->push_back('+');
      out->append(reply.str);
      break;
    case ReplyType::kError:
      out->push_back('-');
      out->append(reply.str);
      break;
    case ReplyType::kInteger:
      out->push_back(':');
      out->append(std::to_string(reply.integer));
      break;
    case ReplyType::kBulkString:
      AppendQuoted(out, reply.str);
      break;
    case ReplyType::kNull:
      out->append(reply.null_array ? "(nil-array)" : reply.resp3_null ? "_" : "(nil)");
      break;
    case ReplyType::kDouble:
      out->push_back(',');
      out->append(reply.str.empty() ? FormatDouble(reply.dbl) : reply.str);
      break;
    case ReplyType::kBoolean:
      out->append(reply.integer != 0 ? "#t" : "#f");
      break;
    case ReplyType::kBlobError:
      out->push_back('!');
      AppendQuoted(out, reply.str);
      break;
    case ReplyType::kVerbatim:
      out->push_back('=');
      out->append(reply.verbatim_format);
      out->push_back(':');
      AppendQuoted(out, reply.str);
      break;
    case ReplyType::kBigNumber:
      out->push_back('(');
      out->append(reply.str);
      break;
    case ReplyType::kArray:
    case ReplyType::kSet:
    case ReplyType::kPush:
      if (reply.type == ReplyType::kSet) out->push_back('~');
      if (reply.type == ReplyType::kPush) out->push_back('>');
      out->push_back('[');
      AppendElements(out, reply.elements, /*pairs=*/false);
      out->push_back(']');
      break;
    case ReplyType::kMap:
    case ReplyType::kAttribute:
      out->append(reply.type == ReplyType::kMap ? "%{" : "|{");
      AppendElements(out, reply.elements, /*pairs=*/true);
      out->push_back('}');
      break;
  }
}

}  // namespace

Reply Reply::Simple(std::string s) {
  Reply r;
  r.type = ReplyType::kSimpleString;
  r.str = std::move(s);
  return r;
}

Reply Reply::Error(std::string s) {
  Reply r;
  r.type = ReplyType::kError;
  r.str = std::move(s);
  return r;
}

Reply Reply::Int(int64_t v) {
  Reply r;
  r.type = ReplyType::kInteger;
  r.integer = v;
  return r;
}

Reply Reply::Bulk(std::string s) {
  Reply r;
  r.type = ReplyType::kBulkString;
  r.str = std::move(s);
  return r;
}

Reply Reply::Nil() { return Reply(); }

Reply Reply::Array(std::vector<Reply> elements) {
  Reply r;
  r.type = ReplyType::kArray;
  r.elements = std::move(elements);
  return r;
}

bool operator==(const Reply& a, const Reply& b) {
  return a.type == b.type && a.str == b.str && a.integer == b.integer &&
         (a.dbl == b.dbl || (std::isnan(a.dbl) && std::isnan(b.dbl))) &&
         a.verbatim_format == b.verbatim_format && a.null_array == b.null_array &&
         a.resp3_null == b.resp3_null && a.elements == b.elements && a.attributes == b.attributes;
}

std::string ToString(const Reply& reply) {
  std::string out;
  AppendReply(&out, reply);
  return out;
}

std::ostream& operator<<(std::ostream& os, const Reply& reply) { return os << ToString(reply); }

}  // namespace understudy::resp
