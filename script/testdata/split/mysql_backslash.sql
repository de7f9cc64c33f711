INSERT INTO t VALUES ('it\'s; here', "dq\"; str");
# hash comment;
SELECT 1 --not a comment in mysql
;
--	tab after dashes is a comment;
/*!40101 SET NAMES utf8 */;
SELECT `a``b;c` FROM t;
