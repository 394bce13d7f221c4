/* version.h: the one place the version lives. */
#ifndef EMBARGO_VERSION_H
#define EMBARGO_VERSION_H
#define EMBARGO_VERSION "0.1.0"
#endif
