#include "platform/linux/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <new>
#include <utility>

namespace tbgw::platform {

namespace {

// path.native() is a reference: building the error allocates nothing.
Err<FileError> sys_error(FileErrc what, const std::filesystem::path& p, int err) {
  return make_error(what, err, p.native());
}

// Closes on scope exit; close() errors that matter are checked explicitly before that.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

bool write_all(int fd, std::string_view bytes, int& err) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      err = errno;
      return false;
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

// Writes `bytes` to a new file `tmp` and fsyncs it. On failure removes `tmp`.
Result<void, FileError> write_synced(const std::filesystem::path& tmp, std::string_view bytes,
                                     unsigned mode) {
  Fd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, static_cast<mode_t>(mode)));
  if (fd.get() < 0) return sys_error(FileErrc::create, tmp, errno);
  int err = 0;
  bool failed = true;
  FileErrc step = FileErrc::write;
  if (!write_all(fd.get(), bytes, err)) {
    step = FileErrc::write;
  } else if (::fsync(fd.get()) != 0) {
    err = errno;
    step = FileErrc::fsync;
  } else if (::close(fd.release()) != 0) {
    err = errno;
    step = FileErrc::close;
  } else {
    failed = false;
  }
  if (failed) {
    ::unlink(tmp.c_str());
    return sys_error(step, tmp, err);
  }
  return {};
}

Result<void, FileError> fsync_dir(const std::filesystem::path& dir) {
  Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0 || ::fsync(fd.get()) != 0) return sys_error(FileErrc::fsync_dir, dir, errno);
  return {};
}

// Makes `backup` a copy of `path` (if `path` exists) without ever removing `path`.
Result<void, FileError> keep_previous(const std::filesystem::path& path,
                                      const std::filesystem::path& backup, unsigned mode) {
  std::filesystem::path staged = backup;
  staged += ".tmp";
  ::unlink(staged.c_str());  // left by a crash; ENOENT is the normal case
  if (::link(path.c_str(), staged.c_str()) != 0) {
    const int err = errno;
    if (err == ENOENT) return {};  // nothing to keep yet
    if (err != EPERM && err != EXDEV && err != ENOTSUP && err != EMLINK) {
      return sys_error(FileErrc::link, staged, err);
    }
    // No hard links here (FAT, some FUSE mounts): copy instead.
    auto bytes = read_small_file(path);
    if (!bytes) return Err(bytes.error());
    if (auto w = write_synced(staged, *bytes, mode); !w) return w;
  }
  if (::rename(staged.c_str(), backup.c_str()) != 0) {
    const int err = errno;
    ::unlink(staged.c_str());
    return sys_error(FileErrc::rename, backup, err);
  }
  return {};
}

Result<void, FileError> write_atomically_impl(const std::filesystem::path& path,
                                              std::string_view bytes,
                                              const AtomicWriteOptions& options) {
  std::filesystem::path tmp = path;
  tmp += ".tmp";
  std::filesystem::path dir = path.parent_path();
  if (dir.empty()) dir = ".";

  if (auto w = write_synced(tmp, bytes, options.mode); !w) return w;
  if (!options.keep_previous_as.empty()) {
    if (auto k = keep_previous(path, options.keep_previous_as, options.mode); !k) {
      ::unlink(tmp.c_str());
      return k;
    }
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    return sys_error(FileErrc::rename, path, err);
  }
  return fsync_dir(dir);
}

}  // namespace

const char* to_string(FileErrc e) {
  switch (e) {
    case FileErrc::create:
      return "cannot create";
    case FileErrc::write:
      return "cannot write";
    case FileErrc::fsync:
      return "cannot fsync";
    case FileErrc::close:
      return "cannot close";
    case FileErrc::fsync_dir:
      return "cannot fsync directory";
    case FileErrc::link:
      return "cannot link";
    case FileErrc::rename:
      return "cannot rename to";
    case FileErrc::open:
      return "cannot open";
    case FileErrc::read:
      return "cannot read";
    case FileErrc::too_large:
      return "file over the size limit:";
    case FileErrc::out_of_memory:
      return "out of memory";
  }
  return "file error";
}

Result<void, FileError> write_file_atomically(const std::filesystem::path& path,
                                              std::string_view bytes,
                                              const AtomicWriteOptions& options) {
  try {
    return write_atomically_impl(path, bytes, options);
  } catch (const std::bad_alloc&) {  // path concatenation; nothing else here throws
    return make_error(FileErrc::out_of_memory);
  }
}

Result<std::string, FileError> read_small_file(const std::filesystem::path& path,
                                               std::size_t max_bytes) try {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return sys_error(FileErrc::open, path, errno);
  std::string bytes;
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return sys_error(FileErrc::read, path, errno);
    }
    if (n == 0) return bytes;
    if (bytes.size() + static_cast<std::size_t>(n) > max_bytes) {
      return make_error(FileErrc::too_large, 0,
                        path.string() + " is larger than " + std::to_string(max_bytes) + " bytes");
    }
    bytes.append(buf, static_cast<std::size_t>(n));
  }
} catch (const std::bad_alloc&) {
  return make_error(FileErrc::out_of_memory);
}

}  // namespace tbgw::platform
