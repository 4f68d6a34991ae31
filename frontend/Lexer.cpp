//===- Lexer.cpp - tokens of the .model language --------------------------===//

#include "frontend/Lexer.h"

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <string>

using namespace alex;

static bool isIdentStart(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_';
}
static bool isIdentChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}
static bool isDigit(char c) {
  return std::isdigit(static_cast<unsigned char>(c));
}

Token Lexer::make(TokenKind kind, const char *start) {
  Token token;
  token.kind = kind;
  token.text = llvm::StringRef(start, cur - start);
  return token;
}

Token Lexer::makeError(const char *start, const char *message) {
  Token token = make(TokenKind::Error, start);
  token.error = message;
  return token;
}

void Lexer::skipSpaceAndComments() {
  const char *end = buffer.end();
  while (cur != end) {
    if (std::isspace(static_cast<unsigned char>(*cur))) {
      ++cur;
    } else if (*cur == '#') {
      while (cur != end && *cur != '\n')
        ++cur;
    } else {
      return;
    }
  }
}

/// Reads decimal digits as a non-negative int64; false on overflow.
static bool readDigits(const char *&cur, const char *end, int64_t &value) {
  value = 0;
  bool ok = true;
  while (cur != end && isDigit(*cur)) {
    int digit = *cur++ - '0';
    if (value > (INT64_MAX - digit) / 10)
      ok = false;
    else
      value = value * 10 + digit;
  }
  return ok;
}

Token Lexer::lexNumber(const char *start) {
  const char *end = buffer.end();
  if (*cur == '-' || *cur == '+')
    ++cur;
  if (cur == end || (!isDigit(*cur) && *cur != '.'))
    return makeError(start, "expected a digit after the sign");

  const char *digitsStart = cur;
  int64_t whole;
  bool fits = readDigits(cur, end, whole);
  bool isFloat = false;
  if (cur != end && *cur == '.') {
    isFloat = true;
    ++cur;
    while (cur != end && isDigit(*cur))
      ++cur;
  }
  if (cur != end && (*cur == 'e' || *cur == 'E')) {
    isFloat = true;
    ++cur;
    if (cur != end && (*cur == '-' || *cur == '+'))
      ++cur;
    if (cur == end || !isDigit(*cur))
      return makeError(start, "expected digits in the exponent");
    while (cur != end && isDigit(*cur))
      ++cur;
  }
  if (cur - digitsStart == 1 && *digitsStart == '.')
    return makeError(start, "expected digits around '.'");

  // A shape: 3x224x224.
  if (!isFloat && start == digitsStart && cur != end && *cur == 'x' &&
      cur + 1 != end && isDigit(cur[1])) {
    Token token;
    llvm::SmallVector<int64_t, 4> dims{whole};
    while (cur != end && *cur == 'x' && cur + 1 != end && isDigit(cur[1])) {
      ++cur;
      int64_t dim;
      fits &= readDigits(cur, end, dim);
      dims.push_back(dim);
    }
    if (cur != end && isIdentChar(*cur))
      return makeError(start,
                       "malformed shape; write dimensions like 3x224x224");
    if (!fits)
      return makeError(start, "dimension too large");
    token = make(TokenKind::Shape, start);
    token.dims = std::move(dims);
    return token;
  }
  if (cur != end && isIdentChar(*cur)) {
    while (cur != end && isIdentChar(*cur))
      ++cur;
    return makeError(start, "malformed number");
  }

  Token token = make(isFloat ? TokenKind::Float : TokenKind::Integer, start);
  std::string text = token.text.str();
  if (isFloat) {
    errno = 0;
    token.floatValue = std::strtod(text.c_str(), nullptr);
    if (errno == ERANGE)
      return makeError(start, "number out of range");
  } else {
    if (!fits)
      return makeError(start, "integer too large");
    token.intValue = *start == '-' ? -whole : whole;
    token.floatValue = static_cast<double>(token.intValue);
  }
  return token;
}

Token Lexer::lexString(const char *start) {
  const char *end = buffer.end();
  ++cur; // opening quote
  while (cur != end && *cur != '"' && *cur != '\n')
    ++cur;
  if (cur == end || *cur != '"')
    return makeError(start, "unterminated string");
  ++cur;
  return make(TokenKind::String, start);
}

Token Lexer::next() {
  skipSpaceAndComments();
  const char *start = cur;
  if (cur == buffer.end())
    return make(TokenKind::Eof, start);

  char c = *cur;
  if (isIdentStart(c)) {
    while (cur != buffer.end() && isIdentChar(*cur))
      ++cur;
    return make(TokenKind::Identifier, start);
  }
  if (isDigit(c) || c == '-' || c == '+' ||
      (c == '.' && cur + 1 != buffer.end() && isDigit(cur[1])))
    return lexNumber(start);
  if (c == '"')
    return lexString(start);

  ++cur;
  switch (c) {
  case '{':
    return make(TokenKind::LBrace, start);
  case '}':
    return make(TokenKind::RBrace, start);
  case '(':
    return make(TokenKind::LParen, start);
  case ')':
    return make(TokenKind::RParen, start);
  case '[':
    return make(TokenKind::LBracket, start);
  case ']':
    return make(TokenKind::RBracket, start);
  case ',':
    return make(TokenKind::Comma, start);
  case '=':
    return make(TokenKind::Equal, start);
  case '.':
    return make(TokenKind::Dot, start);
  case '*':
    return make(TokenKind::Star, start);
  default:
    return makeError(start, "unexpected character");
  }
}

llvm::StringRef alex::spell(TokenKind kind) {
  switch (kind) {
  case TokenKind::Eof:
    return "end of file";
  case TokenKind::Error:
    return "invalid token";
  case TokenKind::Identifier:
    return "a name";
  case TokenKind::Integer:
    return "an integer";
  case TokenKind::Float:
    return "a number";
  case TokenKind::Shape:
    return "a shape";
  case TokenKind::String:
    return "a string";
  case TokenKind::LBrace:
    return "'{'";
  case TokenKind::RBrace:
    return "'}'";
  case TokenKind::LParen:
    return "'('";
  case TokenKind::RParen:
    return "')'";
  case TokenKind::LBracket:
    return "'['";
  case TokenKind::RBracket:
    return "']'";
  case TokenKind::Comma:
    return "','";
  case TokenKind::Equal:
    return "'='";
  case TokenKind::Dot:
    return "'.'";
  case TokenKind::Star:
    return "'*'";
  }
  return "token";
}
