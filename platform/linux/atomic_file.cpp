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

std::string sys_error(const char* what, const std::filesystem::path& p, int err) {
  return std::string(what) + " " + p.string() + ": " + std::strerror(err);
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
bool write_synced(const std::filesystem::path& tmp, std::string_view bytes, unsigned mode,
                  std::string& error) {
  Fd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, static_cast<mode_t>(mode)));
  if (fd.get() < 0) {
    error = sys_error("cannot create", tmp, errno);
    return false;
  }
  int err = 0;
  const char* step = nullptr;
  if (!write_all(fd.get(), bytes, err)) {
    step = "cannot write";
  } else if (::fsync(fd.get()) != 0) {
    err = errno;
    step = "cannot fsync";
  } else if (::close(fd.release()) != 0) {
    err = errno;
    step = "cannot close";
  }
  if (step != nullptr) {
    error = sys_error(step, tmp, err);
    ::unlink(tmp.c_str());
    return false;
  }
  return true;
}

bool fsync_dir(const std::filesystem::path& dir, std::string& error) {
  Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0 || ::fsync(fd.get()) != 0) {
    error = sys_error("cannot fsync directory", dir, errno);
    return false;
  }
  return true;
}

// Makes `backup` a copy of `path` (if `path` exists) without ever removing `path`.
bool keep_previous(const std::filesystem::path& path, const std::filesystem::path& backup,
                   unsigned mode, std::string& error) {
  std::filesystem::path staged = backup;
  staged += ".tmp";
  ::unlink(staged.c_str());  // left by a crash; ENOENT is the normal case
  if (::link(path.c_str(), staged.c_str()) != 0) {
    const int err = errno;
    if (err == ENOENT) return true;  // nothing to keep yet
    if (err != EPERM && err != EXDEV && err != ENOTSUP && err != EMLINK) {
      error = sys_error("cannot link", staged, err);
      return false;
    }
    // No hard links here (FAT, some FUSE mounts): copy instead.
    std::string bytes;
    if (!read_small_file(path, bytes, error)) return false;
    if (!write_synced(staged, bytes, mode, error)) return false;
  }
  if (::rename(staged.c_str(), backup.c_str()) != 0) {
    error = sys_error("cannot rename to", backup, errno);
    ::unlink(staged.c_str());
    return false;
  }
  return true;
}

bool write_atomically_impl(const std::filesystem::path& path, std::string_view bytes,
                           std::string& error, const AtomicWriteOptions& options) {
  std::filesystem::path tmp = path;
  tmp += ".tmp";
  std::filesystem::path dir = path.parent_path();
  if (dir.empty()) dir = ".";

  if (!write_synced(tmp, bytes, options.mode, error)) return false;
  if (!options.keep_previous_as.empty() &&
      !keep_previous(path, options.keep_previous_as, options.mode, error)) {
    ::unlink(tmp.c_str());
    return false;
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    error = sys_error("cannot rename to", path, errno);
    ::unlink(tmp.c_str());
    return false;
  }
  return fsync_dir(dir, error);
}

}  // namespace

bool write_file_atomically(const std::filesystem::path& path, std::string_view bytes,
                           std::string& error, const AtomicWriteOptions& options) {
  try {
    return write_atomically_impl(path, bytes, error, options);
  } catch (const std::bad_alloc&) {  // path concatenation; nothing else here throws
    error = "out of memory";         // fits the small-string buffer: cannot throw
    return false;
  }
}

bool read_small_file(const std::filesystem::path& path, std::string& bytes, std::string& error,
                     std::size_t max_bytes) try {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    error = sys_error("cannot open", path, errno);
    return false;
  }
  bytes.clear();
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      error = sys_error("cannot read", path, errno);
      return false;
    }
    if (n == 0) return true;
    if (bytes.size() + static_cast<std::size_t>(n) > max_bytes) {
      error = path.string() + ": larger than " + std::to_string(max_bytes) + " bytes";
      return false;
    }
    bytes.append(buf, static_cast<std::size_t>(n));
  }
} catch (const std::bad_alloc&) {
  error = "out of memory";
  return false;
}

}  // namespace tbgw::platform
