# Install layout (FHS, as the .deb lays it out). Binaries and docs go under the prefix
# (CPack packages with prefix /usr); the config and the unit have absolute, distribution-given
# paths because the unit names them. Stage elsewhere with DESTDIR, not with --prefix:
#   DESTDIR=/tmp/root cmake --install build/release --prefix /usr
# Included from the top CMakeLists.txt after GNUInstallDirs.

# Where systemd looks for vendor units: /lib/systemd/system on Debian 12, /usr/lib/... on
# merged-/usr distributions; systemd.pc says which.
find_package(PkgConfig REQUIRED)
pkg_get_variable(TBGW_PC_UNIT_DIR systemd systemdsystemunitdir)
if(NOT TBGW_PC_UNIT_DIR)
  set(TBGW_PC_UNIT_DIR /lib/systemd/system)
endif()
set(TBGW_SYSTEMD_UNIT_DIR ${TBGW_PC_UNIT_DIR} CACHE PATH "systemd system unit directory")
set(TBGW_CONFIG_DIR /etc/tinybms-gw CACHE PATH "directory of the default config.json")
set(TBGW_DOC_DIR ${CMAKE_INSTALL_DATAROOTDIR}/doc/tinybms-gw)

install(FILES ${CMAKE_CURRENT_LIST_DIR}/tinybms-gw.service DESTINATION ${TBGW_SYSTEMD_UNIT_DIR})

# The default config. A hand install (`cmake --install`) never overwrites an existing one;
# CPack stages into an empty directory, so the .deb always ships it (and dpkg keeps a locally
# edited copy, as a conffile).
install(CODE "
  if(EXISTS \"\$ENV{DESTDIR}${TBGW_CONFIG_DIR}/config.json\")
    message(STATUS \"Keeping existing: \$ENV{DESTDIR}${TBGW_CONFIG_DIR}/config.json\")
  else()
    file(INSTALL DESTINATION \"${TBGW_CONFIG_DIR}\" TYPE FILE
         PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ
         FILES \"${CMAKE_CURRENT_LIST_DIR}/config.json\")
  endif()")

# configuration.md is generated from the config schema; OPTIONAL until it exists.
install(FILES ${PROJECT_SOURCE_DIR}/README.md ${PROJECT_SOURCE_DIR}/docs/install.md
              ${PROJECT_SOURCE_DIR}/docs/wiring.md ${PROJECT_SOURCE_DIR}/docs/simulator.md
        DESTINATION ${TBGW_DOC_DIR})
install(FILES ${PROJECT_SOURCE_DIR}/docs/configuration.md DESTINATION ${TBGW_DOC_DIR} OPTIONAL)

# The unit runs /usr/bin/tinybms-gw: say so when a hand install puts the program elsewhere.
install(CODE "
  if(NOT CMAKE_INSTALL_PREFIX STREQUAL \"/usr\")
    message(WARNING \"tinybms-gw.service runs /usr/bin/tinybms-gw, but the prefix is \"
                    \"\${CMAKE_INSTALL_PREFIX}: install with --prefix /usr for a working service.\")
  endif()")
