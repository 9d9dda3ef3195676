#include "store/value.h"

namespace understudy::store {

std::string_view TypeName(ValueType type) {
  switch (type) {
    case ValueType::kString:
      return "string";
    case ValueType::kList:
      return "list";
    case ValueType::kSet:
      return "set";
    case ValueType::kZSet:
      return "zset";
    case ValueType::kHash:
      return "hash";
  }
  return "none";
}

Value::Value(ValueType type) {
  switch (type) {
    case ValueType::kString:
      break;  // the default alternative
    case ValueType::kList:
      data_.emplace<ListValue>();
      break;
    case ValueType::kSet:
      data_.emplace<SetValue>();
      break;
    case ValueType::kZSet:
      data_.emplace<ZSetValue>();
      break;
    case ValueType::kHash:
      data_.emplace<HashValue>();
      break;
  }
}

}  // namespace understudy::store
