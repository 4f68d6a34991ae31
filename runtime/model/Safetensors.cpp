//===- Safetensors.cpp - parameters in the safetensors layout -------------===//

#include "runtime/model/Safetensors.h"

#include "runtime/support/Files.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstring>

using namespace alexrt;

namespace {
/// The JSON header: a subset of JSON enough for safetensors (objects,
/// arrays, strings, non-negative integers), with the position of an error.
class HeaderParser {
public:
  HeaderParser(const char *data, size_t size)
      : start(data), at(data), end(data + size) {}

  struct Entry {
    std::string dtype;
    std::vector<int64_t> shape;
    std::vector<uint64_t> offsets;
  };

  /// Parses the top-level object into tensor entries and "__metadata__"'s
  /// string pairs. Returns false with `error` set.
  bool parse(std::map<std::string, Entry> &entries,
             std::map<std::string, std::string> &metadata, std::string &error) {
    if (!expect('{'))
      return fail(error, "expected '{'");
    if (peek('}'))
      return ++at, true;
    do {
      std::string name;
      if (!string(name) || !expect(':'))
        return fail(error, "expected a tensor name and ':'");
      if (name == "__metadata__") {
        if (!stringObject(metadata))
          return fail(error, "__metadata__ must map strings to strings");
        continue;
      }
      Entry entry;
      if (!tensor(entry))
        return fail(error, "bad entry for tensor '" + name + "'");
      if (!entries.emplace(name, entry).second)
        return fail(error, "tensor '" + name + "' appears twice");
    } while (expect(','));
    if (!expect('}'))
      return fail(error, "expected ',' or '}'");
    space();
    if (at != end)
      return fail(error, "data after the header's object");
    return true;
  }

private:
  bool fail(std::string &error, const std::string &what) {
    error = what + " at header byte " + std::to_string(offset());
    return false;
  }
  size_t offset() const { return size_t(at - start); }
  void space() {
    while (at < end &&
           (*at == ' ' || *at == '\n' || *at == '\t' || *at == '\r'))
      ++at;
  }
  bool peek(char c) {
    space();
    return at < end && *at == c;
  }
  bool expect(char c) {
    if (!peek(c))
      return false;
    ++at;
    return true;
  }
  bool string(std::string &out) {
    if (!expect('"'))
      return false;
    out.clear();
    while (at < end && *at != '"') {
      char c = *at++;
      if (c == '\\') {
        if (at >= end)
          return false;
        char escaped = *at++;
        switch (escaped) {
        case '"':
        case '\\':
        case '/':
          out += escaped;
          break;
        case 'n':
          out += '\n';
          break;
        case 't':
          out += '\t';
          break;
        case 'r':
          out += '\r';
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'u': { // ASCII only: what the writer escapes
          unsigned code = 0;
          for (int digit = 0; digit < 4; ++digit) {
            if (at >= end || !std::isxdigit(static_cast<unsigned char>(*at)))
              return false;
            char hex = *at++;
            code =
                code * 16 +
                unsigned(std::isdigit(hex) ? hex - '0' : (hex | 32) - 'a' + 10);
          }
          if (code > 0x7f)
            return false;
          out += char(code);
          break;
        }
        default:
          return false;
        }
      } else {
        out += c;
      }
    }
    return at < end && *at++ == '"';
  }
  bool number(uint64_t &value) {
    space();
    const char *first = at;
    value = 0;
    while (at < end && *at >= '0' && *at <= '9') {
      if (value > (UINT64_MAX - 9) / 10)
        return false;
      value = value * 10 + uint64_t(*at++ - '0');
    }
    return at > first;
  }
  bool numbers(std::vector<uint64_t> &out) {
    if (!expect('['))
      return false;
    if (expect(']'))
      return true;
    do {
      uint64_t value;
      if (!number(value))
        return false;
      out.push_back(value);
    } while (expect(','));
    return expect(']');
  }
  bool tensor(Entry &entry) {
    if (!expect('{'))
      return false;
    bool dtype = false, shape = false, offsets = false;
    do {
      std::string key;
      if (!string(key) || !expect(':'))
        return false;
      if (key == "dtype") {
        dtype = string(entry.dtype);
        if (!dtype)
          return false;
      } else if (key == "shape") {
        std::vector<uint64_t> dims;
        if (!(shape = numbers(dims)))
          return false;
        for (uint64_t dim : dims) {
          if (dim > (uint64_t(1) << 40))
            return false;
          entry.shape.push_back(int64_t(dim));
        }
      } else if (key == "data_offsets") {
        if (!(offsets = numbers(entry.offsets)) || entry.offsets.size() != 2)
          return false;
      } else {
        return false;
      }
    } while (expect(','));
    return expect('}') && dtype && shape && offsets;
  }
  bool stringObject(std::map<std::string, std::string> &pairs) {
    if (!expect('{'))
      return false;
    if (expect('}'))
      return true;
    do {
      std::string key, value;
      if (!string(key) || !expect(':') || !string(value))
        return false;
      pairs[key] = value;
    } while (expect(','));
    return expect('}');
  }

  const char *start, *at, *end;
};

/// A floating-point dtype import reads, and its elements as fp32.
struct Dtype {
  const char *name;
  size_t bytes;
  float (*toFloat)(const uint8_t *element);
};

float fromF32(const uint8_t *element) {
  float value;
  std::memcpy(&value, element, sizeof value);
  return value;
}

float fromF64(const uint8_t *element) {
  double value;
  std::memcpy(&value, element, sizeof value);
  return float(value); // nearest even; past fp32's range, an infinity
}

/// IEEE half precision, subnormals, infinities and NaN included.
float fromF16(const uint8_t *element) {
  uint16_t half;
  std::memcpy(&half, element, sizeof half);
  float sign = half & 0x8000 ? -1.0f : 1.0f;
  int exponent = (half >> 10) & 0x1f, mantissa = half & 0x3ff;
  if (exponent == 0x1f)
    return mantissa ? std::nanf("") : sign * INFINITY;
  if (exponent == 0) // zero or subnormal: mantissa x 2^-24
    return sign * std::ldexp(float(mantissa), -24);
  return sign * std::ldexp(float(mantissa | 0x400), exponent - 25);
}

/// bfloat16: the upper half of an fp32.
float fromBf16(const uint8_t *element) {
  uint16_t half;
  std::memcpy(&half, element, sizeof half);
  uint32_t bits = uint32_t(half) << 16;
  float value;
  std::memcpy(&value, &bits, sizeof value);
  return value;
}

constexpr Dtype kDtypes[] = {{"F32", 4, fromF32},
                             {"F64", 8, fromF64},
                             {"F16", 2, fromF16},
                             {"BF16", 2, fromBf16}};

const Dtype *findDtype(const std::string &name) {
  for (const Dtype &dtype : kDtypes)
    if (name == dtype.name)
      return &dtype;
  return nullptr;
}

std::string quoted(const std::string &text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      // JSON strings hold no raw control character.
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04x", unsigned(c));
      out += escaped;
    } else {
      out += c;
    }
  }
  return out + "\"";
}
} // namespace

Status
alexrt::writeSafetensors(const std::string &path,
                         const std::vector<TensorBuffers> &tensors,
                         const std::map<std::string, std::string> &metadata) {
  std::string header = "{\"__metadata__\":{";
  bool first = true;
  for (const auto &[key, value] : metadata) {
    header += (first ? "" : ",") + quoted(key) + ":" + quoted(value);
    first = false;
  }
  header += "}";
  uint64_t offset = 0;
  for (const TensorBuffers &tensor : tensors) {
    uint64_t bytes = uint64_t(tensor.numElements()) * sizeof(float);
    header += "," + quoted(tensor.name) + ":{\"dtype\":\"F32\",\"shape\":[";
    for (size_t i = 0; i < tensor.shape.size(); ++i)
      header += (i ? "," : "") + std::to_string(tensor.shape[i]);
    header += "],\"data_offsets\":[" + std::to_string(offset) + "," +
              std::to_string(offset + bytes) + "]}";
    offset += bytes;
  }
  header += "}";
  header.append((8 - header.size() % 8) % 8, ' ');

  AtomicFile file;
  Status status = file.create(path, "safetensors file");
  uint8_t length[8];
  uint64_t size = header.size();
  for (int i = 0; i < 8; ++i) // little-endian, whatever the host
    length[i] = uint8_t(size >> (8 * i));
  if (status.ok())
    status = file.write(length, sizeof length);
  if (status.ok())
    status = file.write(header.data(), header.size());
  for (const TensorBuffers &tensor : tensors)
    if (status.ok()) // little-endian hosts: the floats as they are
      status = file.write(tensor.value,
                          size_t(tensor.numElements()) * sizeof(float));
  if (status.ok())
    status = file.commit();
  return status;
}

Status
alexrt::readSafetensorsTensors(const std::string &path,
                               std::map<std::string, NamedTensor> &tensors,
                               std::map<std::string, std::string> *metadata) {
  MappedFile file;
  if (Status status = file.open(path, "safetensors file"); !status.ok())
    return status;
  auto bad = [&](const std::string &why) {
    return Status::error("'" + path +
                         "' is not a usable safetensors file: " + why);
  };
  const uint8_t *bytes = file.data();
  if (file.size() < 8)
    return bad("shorter than its 8-byte header length");
  uint64_t headerSize = 0;
  for (int i = 7; i >= 0; --i)
    headerSize = headerSize << 8 | bytes[i];
  if (headerSize > file.size() - 8 || headerSize > (uint64_t(100) << 20))
    return bad("the header length " + std::to_string(headerSize) +
               " does not fit the file");
  std::map<std::string, HeaderParser::Entry> entries;
  std::map<std::string, std::string> pairs;
  std::string error;
  if (!HeaderParser(reinterpret_cast<const char *>(bytes) + 8, headerSize)
           .parse(entries, pairs, error))
    return bad(error);
  uint64_t dataSize = file.size() - 8 - headerSize;
  const uint8_t *data = bytes + 8 + headerSize;

  std::map<std::string, NamedTensor> read;
  for (const auto &[name, entry] : entries) {
    const Dtype *dtype = findDtype(entry.dtype);
    if (!dtype)
      return Status::error("tensor '" + name + "' in '" + path + "' is " +
                           entry.dtype +
                           "; alexc reads F32, F64, F16 and BF16");
    NamedTensor &tensor = read[name];
    tensor.shape = entry.shape;
    tensor.dtype = dtype->name;
    // The element count, dimension by dimension, never past what the data
    // could hold (a forged shape must not overflow it).
    uint64_t count = 1, most = dataSize / dtype->bytes;
    for (int64_t dim : entry.shape) {
      if (dim != 0 && count > most / uint64_t(dim))
        return bad("tensor '" + name + "' has more elements than the file");
      count *= uint64_t(dim);
    }
    if (entry.offsets[0] > entry.offsets[1] || entry.offsets[1] > dataSize ||
        entry.offsets[1] - entry.offsets[0] != count * dtype->bytes)
      return bad("tensor '" + name + "' lies outside the data");
    tensor.values.resize(count);
    for (uint64_t i = 0; i < count; ++i)
      tensor.values[i] =
          dtype->toFloat(data + entry.offsets[0] + i * dtype->bytes);
  }
  tensors = std::move(read);
  if (metadata)
    *metadata = std::move(pairs);
  return Status::success();
}

std::map<std::string, NamedTensor>::const_iterator
alexrt::findTensor(const std::map<std::string, NamedTensor> &file,
                   const TensorBuffers &tensor) {
  auto found = file.find(tensor.name);
  if (found == file.end() && !tensor.pytorchName.empty())
    found = file.find(tensor.pytorchName);
  return found;
}

Status alexrt::readSafetensors(const std::string &path,
                               const std::vector<TensorBuffers> &tensors,
                               std::map<std::string, std::string> *metadata,
                               std::map<std::string, int> *converted) {
  std::map<std::string, NamedTensor> read;
  if (Status status = readSafetensorsTensors(path, read, metadata);
      !status.ok())
    return status;
  // Check everything before copying anything.
  std::vector<const NamedTensor *> sources;
  for (const TensorBuffers &tensor : tensors) {
    auto it = findTensor(read, tensor);
    if (it == read.end())
      return Status::error(
          "'" + path + "' has no tensor '" + tensor.name + "'" +
          (tensor.pytorchName.empty() ? ""
                                      : " or '" + tensor.pytorchName + "'"));
    if (it->second.shape != tensor.shape)
      return Status::error("tensor '" + tensor.name + "' in '" + path +
                           "' has shape " + shapeText(it->second.shape) +
                           ", the model's is " + shapeText(tensor.shape));
    if (Status finite = checkFinite(it->second, tensor.name, path);
        !finite.ok())
      return Status::error(finite.message() + "; nothing imported");
    sources.push_back(&it->second);
  }
  if (converted)
    for (const NamedTensor *source : sources)
      if (source->converted())
        ++(*converted)[source->dtype];
  for (const auto &[name, tensor] : read)
    if (std::none_of(tensors.begin(), tensors.end(),
                     [&](const TensorBuffers &t) { return t.named(name); }))
      return Status::error("'" + path + "' has a tensor '" + name +
                           "' this model does not (another model's file?)");
  for (size_t i = 0; i < tensors.size(); ++i)
    std::copy(sources[i]->values.begin(), sources[i]->values.end(),
              tensors[i].value);
  return Status::success();
}

/// The data facts of a checkpoint (DataFacts in weights.fbs) as
/// safetensors metadata strings: "dataset", "class_names" (a line each),
/// "mean" (comma-separated), "mean_height", "mean_width".
void alexrt::addDataFacts(const DataFacts &facts,
                          std::map<std::string, std::string> &metadata) {
  if (facts.dataset.empty())
    return;
  metadata["dataset"] = facts.dataset;
  std::string names, mean;
  for (const std::string &name : facts.classNames)
    names += (names.empty() ? "" : "\n") + name;
  for (float value : facts.mean) {
    char text[24];
    std::snprintf(text, sizeof text, "%.9g", double(value));
    mean += (mean.empty() ? "" : ",") + std::string(text);
  }
  metadata["class_names"] = names;
  metadata["mean"] = mean;
  metadata["mean_height"] = std::to_string(facts.meanHeight);
  metadata["mean_width"] = std::to_string(facts.meanWidth);
}

/// The `separator`-separated fields of `text` (none if it is empty).
static std::vector<std::string> fields(const std::string &text,
                                       char separator) {
  std::vector<std::string> result;
  for (size_t begin = 0; !text.empty() && begin <= text.size();) {
    size_t end = std::min(text.find(separator, begin), text.size());
    result.push_back(text.substr(begin, end - begin));
    begin = end + 1;
  }
  return result;
}

/// addDataFacts' strings back into `facts` (nothing if absent).
Status alexrt::readDataFacts(const std::map<std::string, std::string> &metadata,
                             DataFacts &facts) {
  auto found = metadata.find("dataset");
  if (found == metadata.end())
    return Status::success();
  auto get = [&](const char *key) {
    auto at = metadata.find(key);
    return at == metadata.end() ? std::string() : at->second;
  };
  facts.dataset = found->second;
  facts.classNames = fields(get("class_names"), '\n');
  facts.mean.clear();
  for (const std::string &field : fields(get("mean"), ',')) {
    char *stop = nullptr;
    float value = std::strtof(field.c_str(), &stop);
    if (field.empty() || *stop)
      return Status::error("its metadata's mean is not numbers: '" + field +
                           "'");
    facts.mean.push_back(value);
  }
  for (const char *key : {"mean_height", "mean_width"}) {
    std::string text = get(key);
    if (text.empty() || text.size() > 9 ||
        text.find_first_not_of("0123456789") != std::string::npos)
      return Status::error(std::string("its metadata's ") + key +
                           " is not a whole number: '" + text + "'");
  }
  facts.meanHeight = std::stoll(get("mean_height"));
  facts.meanWidth = std::stoll(get("mean_width"));
  return Status::success();
}

std::string
alexrt::conversionsText(const std::map<std::string, int> &converted) {
  std::string list;
  int total = 0;
  for (const auto &[dtype, count] : converted) {
    list +=
        (list.empty() ? "" : ", ") + std::to_string(count) + " from " + dtype;
    total += count;
  }
  return list.empty() ? ""
                      : " (" + std::to_string(total) +
                            " converted to fp32: " + list + ")";
}

Status alexrt::checkFinite(const NamedTensor &tensor, const std::string &name,
                           const std::string &path) {
  // A diverged or damaged model would train and score as garbage.
  int64_t nans = 0, infinities = 0, first = -1;
  for (size_t i = 0; i < tensor.values.size(); ++i) {
    float value = tensor.values[i];
    if (std::isfinite(value))
      continue;
    ++(std::isnan(value) ? nans : infinities);
    if (first < 0)
      first = int64_t(i);
  }
  if (first < 0)
    return Status::success();
  return Status::error(
      "tensor '" + name + "' in '" + path + "' holds " + std::to_string(nans) +
      " NaN and " + std::to_string(infinities) +
      " infinite values (the first at element " + std::to_string(first) +
      "): the weights of a diverged or damaged model");
}
