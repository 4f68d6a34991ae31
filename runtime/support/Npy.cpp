//===- Npy.cpp - arrays as NumPy .npy files -------------------------------===//

#include "runtime/support/Npy.h"

#include "runtime/support/Files.h"

using namespace alexrt;

std::string alexrt::companionNpy(const std::string &path,
                                 const std::string &part) {
  bool npy = path.size() > 4 && path.compare(path.size() - 4, 4, ".npy") == 0;
  return (npy ? path.substr(0, path.size() - 4) : path) + "." + part + ".npy";
}

Status alexrt::writeNpy(const std::string &path, const std::string &dtype,
                        const std::vector<int64_t> &shape, const void *data) {
  std::string dims;
  int64_t count = 1;
  for (int64_t dim : shape) {
    dims += std::to_string(dim) + ", ";
    count *= dim;
  }
  if (shape.size() > 1)
    dims.resize(dims.size() - 1); // "(3, 4)", but "(3,)" for one dimension
  std::string header = "{'descr': '" + dtype +
                       "', 'fortran_order': False, 'shape': (" + dims + "), }";
  // Magic (6) + version (2) + length (2) + header + '\n': a multiple of 64.
  size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';
  std::string bytes = "\x93NUMPY";
  bytes += char(1);
  bytes += char(0);
  bytes += char(header.size() & 0xff);
  bytes += char(header.size() >> 8);
  bytes += header;
  AtomicFile file;
  Status status = file.create(path, "NumPy file");
  if (status.ok())
    status = file.write(bytes.data(), bytes.size());
  if (status.ok())
    status = file.write(data, size_t(count) * 4); // f4 and i4 alike
  if (status.ok())
    status = file.commit();
  return status;
}
