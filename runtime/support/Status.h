//===- Status.h - success or an error message, for the runtime --*- C++ -*-===//

#ifndef ALEXRT_SUPPORT_STATUS_H
#define ALEXRT_SUPPORT_STATUS_H

#include <string>
#include <utility>

namespace alexrt {

/// The result of an operation that can fail: empty message means success.
/// Messages are complete sentences for the user ("cannot open 'x': ...").
class [[nodiscard]] Status {
public:
  static Status success() { return Status(); }
  static Status error(std::string message) {
    Status status;
    status.text = message.empty() ? "unknown error" : std::move(message);
    return status;
  }

  bool ok() const { return text.empty(); }
  const std::string &message() const { return text; }

private:
  std::string text;
};

} // namespace alexrt

#endif // ALEXRT_SUPPORT_STATUS_H
