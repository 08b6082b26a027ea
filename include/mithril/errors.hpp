// mithril/errors.hpp — the error family every user-facing failure is thrown as.
//
// Each class maps to the Python exception Mithril raises for the same mistake
// (KeyError, ValueError, TypeError, NotImplementedError), and what() carries
// Mithril's message text word for word where the spec gives one. InternalError
// marks a broken invariant of mithril itself (a bug), never a user mistake.
#pragma once

#include <stdexcept>
#include <string>

namespace mithril {

enum class ErrorKind { Key, Value, Type, NotImplemented, Runtime, Internal };

class Error : public std::runtime_error {
public:
    Error(ErrorKind kind, const std::string& message)
        : std::runtime_error(message), kind_(kind) {}
    ErrorKind kind() const noexcept { return kind_; }
    // Name of the matching Python exception ("KeyError", "ValueError", ...).
    const char* python_name() const noexcept;

private:
    ErrorKind kind_;
};

class KeyError : public Error {
public:
    explicit KeyError(const std::string& m) : Error(ErrorKind::Key, m) {}
};
class ValueError : public Error {
public:
    explicit ValueError(const std::string& m) : Error(ErrorKind::Value, m) {}
};
class TypeError : public Error {
public:
    explicit TypeError(const std::string& m) : Error(ErrorKind::Type, m) {}
};
class NotImplementedError : public Error {
public:
    explicit NotImplementedError(const std::string& m) : Error(ErrorKind::NotImplemented, m) {}
};
class RuntimeError : public Error {
public:
    explicit RuntimeError(const std::string& m) : Error(ErrorKind::Runtime, m) {}
};
class InternalError : public Error {
public:
    explicit InternalError(const std::string& m) : Error(ErrorKind::Internal, m) {}
};

inline const char* Error::python_name() const noexcept {
    switch (kind_) {
    case ErrorKind::Key: return "KeyError";
    case ErrorKind::Value: return "ValueError";
    case ErrorKind::Type: return "TypeError";
    case ErrorKind::NotImplemented: return "NotImplementedError";
    case ErrorKind::Runtime: return "RuntimeError";
    case ErrorKind::Internal: return "InternalError";
    }
    return "Error";
}

}  // namespace mithril

// Internal invariant check: throws InternalError with file:line.
#define MITHRIL_INTERNAL_CHECK(cond, msg)                                                     \
    do {                                                                                      \
        if (!(cond))                                                                          \
            throw ::mithril::InternalError(std::string(__FILE__) + ":" +                      \
                                           std::to_string(__LINE__) + ": " + (msg));          \
    } while (0)
